"""/cancel works from any state."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.common.conversation import end_conversation


async def cmd_cancel(message: Message, state: FSMContext) -> None:
    """Leaves any conversation without saving its unfinished answers."""
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel. /help shows what I can do."))
        return
    await end_conversation(state)
    await message.answer(
        _("Cancelled. Nothing from this step was saved. /help shows what I can do.")
    )


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_cancel, Command("cancel"))
    return router
