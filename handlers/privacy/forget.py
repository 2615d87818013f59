"""/forget: delete me, after a confirmation (diagram: docs/flows/forget.mmd).

| state   | expects             | next                               |
|---------|---------------------|------------------------------------|
| confirm | delete / keep       | everything deleted, or nothing     |
The only administrator is told what to do first, instead of being asked, and again at
the confirmation if they became the only one meanwhile (nothing is deleted).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BotCommandScopeChat, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.keyboards import inline
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking
from services.errors import LastAdmin, NotRegistered
from services.hooks import Hooks
from services.people import Actor
from services.personal_data import check_forget, forget_person


class ForgetFlow(StatesGroup):
    confirm = State()


class ForgetCb(CallbackData, prefix="forget"):
    confirm: bool


def confirm_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, delete everything"), callback_data=ForgetCb(confirm=True))
    builder.button(text=_("No, keep my data"), callback_data=ForgetCb(confirm=False))
    return inline(builder.adjust(1))


def last_admin_text() -> str:
    return _(
        "You are the only administrator, so your data cannot be deleted yet: nobody would be "
        "left to manage Qamqor. First invite another administrator with /invite (choose "
        "“Administrator”); once they have opened the link, send /forget again."
    )


def confirm_question() -> str:
    return _(
        "This deletes your registration, roles, consents, children's records and scheduled "
        "messages. It cannot be undone. Delete everything?"
    )


async def cmd_forget(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor | None
) -> None:
    """Asks for confirmation before deleting anything."""
    if actor is None:
        await message.answer(_("We store nothing about you: you have not registered."))
        return
    try:
        await check_forget(session, actor.person_id)
    except LastAdmin:
        await state.clear()
        await message.answer(last_admin_text())
        return
    await state.set_state(ForgetFlow.confirm)
    await message.answer(confirm_question(), reply_markup=confirm_keyboard())


async def cb_forget_confirmed(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    hooks: Sequence[Hooks],
) -> None:
    """Deletes the person and everything that hangs on them."""
    await query.answer()
    await state.clear()
    chat = chat_of(query)
    if actor is not None:
        try:
            # Deleted meanwhile from another channel: the outcome is the same.
            with suppress(NotRegistered):
                await forget_person(session, actor.person_id, hooks)
        except LastAdmin:  # the other administrator left after /forget was asked
            await bot.send_message(chat, last_admin_text())
            return
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat))
    await bot.send_message(
        chat,
        _("Everything about you has been deleted. Goodbye! Send /start if you want to come back."),
    )


async def cb_forget_declined(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    """Keeps everything."""
    await query.answer()
    await state.clear()
    await bot.send_message(chat_of(query), _("Nothing was deleted."))


async def ask_confirm(asking: Asking) -> None:
    await asking.send(confirm_question(), confirm_keyboard())


STEPS: dict[State, Ask] = {ForgetFlow.confirm: ask_confirm}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_forget, Command("forget"))
    router.callback_query.register(
        cb_forget_confirmed, StateFilter(ForgetFlow.confirm), ForgetCb.filter(F.confirm.is_(True))
    )
    router.callback_query.register(
        cb_forget_declined, StateFilter(ForgetFlow.confirm), ForgetCb.filter(F.confirm.is_(False))
    )
    return router
