"""/volunteer: my application's status, or my profile once approved; "Edit" goes through the
registration again with the answers to change."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.deeplinks import DeepLinks
from handlers.common.filters import HasRole
from handlers.common.mappers import chat_of
from handlers.volunteers import keyboards, texts
from handlers.volunteers.callbacks import EditCb
from handlers.volunteers.register import PARENT_PREFIX, begin_registration
from services.awards.awards import my_letters
from services.people import Actor
from services.roles import Role
from services.volunteers.profile import profile_of
from services.volunteers.rules import Status


async def begin_for(bot: Bot, chat_id: int, state: FSMContext, actor: Actor) -> None:
    """The registration, from /start's or /role's "volunteer" (a tiny hook there)."""
    await bot.send_message(chat_id, _("Let's fill in your volunteer application: a few questions."))
    await begin_registration(bot, chat_id, state, actor.full_name)


async def cmd_volunteer(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
) -> None:
    """My application or profile."""
    await end_conversation(state)
    profile = await profile_of(session, actor.person_id, actor.locale)
    if profile is None:
        await begin_for(bot, message.chat.id, state, actor)
        return
    await message.answer(texts.profile_text(profile, actor.locale), reply_markup=keyboards.edit())
    letters = await my_letters(session, actor.person_id)
    if letters:
        await message.answer(texts.letters_text(letters))
    if profile.status is Status.AWAITING_PARENT and profile.parent_code:
        code = PARENT_PREFIX + profile.parent_code
        await message.answer(texts.parent_request_text(links.for_start(code), code))


async def cb_edit(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """The registration again, the stored name offered."""
    await query.answer()
    profile = await profile_of(session, actor.person_id, actor.locale)
    name = profile.full_name if profile else actor.full_name
    await begin_registration(bot, chat_of(query), state, name)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.VOLUNTEER))
    router.callback_query.filter(HasRole(Role.VOLUNTEER))
    router.message.register(cmd_volunteer, Command("volunteer"))
    router.callback_query.register(cb_edit, EditCb.filter())
    return router
