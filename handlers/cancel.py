"""/cancel works from any state and is registered first."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

router = Router(name=__name__)


@router.message(Command("cancel"))
async def cmd_cancel(message: Message, state: FSMContext) -> None:
    """Leaves any conversation without saving its unfinished answers."""
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel. /help shows what I can do."))
        return
    await state.clear()
    await message.answer(
        _("Cancelled. Nothing from this step was saved. /help shows what I can do.")
    )
