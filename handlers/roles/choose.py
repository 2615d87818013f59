"""/role: my roles, and a self-service role (parent, volunteer) to add. States in states.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.labels import role_label, stale_button
from handlers.common.mappers import chat_of
from handlers.common.menu import Menu
from handlers.common.steps import Ask, Asking
from handlers.onboarding.texts import help_text
from handlers.roles.callbacks import AddRoleCb, RoleLaterCb
from handlers.roles.offer import ask_role
from handlers.roles.states import RoleFlow
from handlers.roles.texts import roles_summary, staff_roles_note
from handlers.volunteers.status import begin_for
from services.errors import NotAllowed, NotRegistered
from services.grants.held import grants_of
from services.grants.self_service import (
    RoleAlreadyHeld,
    add_self_service_role,
    self_service_to_add,
)
from services.people import Actor
from services.roles import Role


async def cmd_role(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor | None, bot: Bot
) -> None:
    """Shows my roles and offers the self-service roles I do not have."""
    await end_conversation(state)
    if actor is None:
        await message.answer(_("Hello! Send /start to begin."))
        return
    grants = await grants_of(session, actor.person_id, actor.locale)
    await message.answer(f"{roles_summary(grants)}\n\n{staff_roles_note()}")
    choices = self_service_to_add(actor.roles)
    if not choices:
        await message.answer(_("You already have every role you can choose yourself."))
        return
    await state.set_state(RoleFlow.choose)
    await ask_role(bot, message.chat.id, choices)


async def cb_role_later(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    """Leaves the choice; nothing is added."""
    await end_conversation(state)
    await query.answer()
    await bot.send_message(chat_of(query), _("All right. /role adds a role whenever you like."))


async def cb_add_role(
    query: CallbackQuery,
    callback_data: AddRoleCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    """Adds the chosen self-service role; a staff role (a forged button) is refused."""
    if actor is None:
        await end_conversation(state)
        await query.answer(stale_button(), show_alert=True)
        return
    try:
        roles = await add_self_service_role(session, actor.person_id, callback_data.role)
    except (NotAllowed, NotRegistered):
        await query.answer(stale_button(), show_alert=True)
        return
    except RoleAlreadyHeld:
        await state.clear()
        await query.answer()
        await bot.send_message(chat_of(query), _("You already have this role."))
        return
    await state.clear()
    await query.answer()
    chat = chat_of(query)
    label = role_label(callback_data.role)
    await bot.send_message(chat, _("Done! Role added: {role}.").format(role=label))
    await bot.send_message(chat, help_text(menu, roles))
    await menu.publish(bot, chat, roles, i18n, actor.locale)
    if callback_data.role is Role.VOLUNTEER:
        await begin_for(bot, chat, state, actor)  # straight into the application


async def ask_choose(asking: Asking) -> None:
    """The `choose` step's question; nothing left to add ends the step."""
    actor = asking.actor
    choices = self_service_to_add(actor.roles) if actor else []
    if not choices:
        await asking.close(_("Sorry, I didn't understand. /help shows what I can do."))
        return
    await ask_role(asking.bot, asking.chat_id, choices, asking.hint)


STEPS: dict[State, Ask] = {RoleFlow.choose: ask_choose}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_role, Command("role"))
    router.callback_query.register(cb_add_role, StateFilter(RoleFlow.choose), AddRoleCb.filter())
    router.callback_query.register(
        cb_role_later, StateFilter(RoleFlow.choose), RoleLaterCb.filter()
    )
    return router
