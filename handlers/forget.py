"""/forget: delete me, after a confirmation."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import keyboards
from handlers.callbacks import ForgetCb
from handlers.states import ForgetFlow
from services.errors import NotRegistered
from services.people import Actor
from services.personal_data import forget_person

router = Router(name=__name__)


@router.message(Command("forget"))
async def cmd_forget(message: Message, state: FSMContext, actor: Actor | None) -> None:
    """Asks for confirmation before deleting anything."""
    if actor is None:
        await message.answer(_("We store nothing about you: you have not registered."))
        return
    await state.set_state(ForgetFlow.confirm)
    await message.answer(
        _(
            "This deletes your registration, roles, consents, children's records and scheduled "
            "messages. It cannot be undone. Delete everything?"
        ),
        reply_markup=keyboards.forget_confirm(),
    )


@router.callback_query(ForgetFlow.confirm, ForgetCb.filter(F.confirm.is_(True)))
async def cb_forget_confirmed(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor | None, bot: Bot
) -> None:
    """Deletes the person and everything that hangs on them."""
    await query.answer()
    await state.clear()
    assert query.message is not None
    if actor is not None:
        # Deleted meanwhile from another channel: the outcome is the same.
        with suppress(NotRegistered):
            await forget_person(session, actor.person_id)
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=query.message.chat.id))
    await bot.send_message(
        query.message.chat.id,
        _("Everything about you has been deleted. Goodbye! Send /start if you want to come back."),
    )


@router.callback_query(ForgetFlow.confirm, ForgetCb.filter(F.confirm.is_(False)))
async def cb_forget_declined(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    """Keeps everything."""
    await query.answer()
    await state.clear()
    assert query.message is not None
    await bot.send_message(query.message.chat.id, _("Nothing was deleted."))


@router.message(StateFilter(ForgetFlow.confirm))
async def forget_expected(message: Message) -> None:
    """Anything but the two buttons while confirming deletion."""
    await message.answer(
        _("Please press one of the buttons: delete everything, or keep your data."),
        reply_markup=keyboards.forget_confirm(),
    )
