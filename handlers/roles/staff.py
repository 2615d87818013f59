"""/staff (administrators): who holds a staff role; revoke one, after a confirmation. The
person is told through the outbox. States in states.py."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.menu import Menu
from handlers.common.steps import Ask, Asking, only_for, with_lead
from handlers.roles import keyboards
from handlers.roles.callbacks import RevokeCb, StaffGrantCb, StaffPageCb, StaffPersonCb
from handlers.roles.states import StaffFlow
from handlers.roles.texts import grant_label, last_admin_revoke_text, revoked_notice
from services.errors import LastAdmin, NotAllowed
from services.grants.held import Grant
from services.grants.staff import (
    GrantGone,
    RevokedNotice,
    StaffMember,
    list_staff,
    revoke_grant,
    staff_grant,
    staff_member,
)
from services.people import Actor
from services.roles import Role


async def ask_person(
    bot: Bot, chat_id: int, members: Sequence[StaffMember], page: int, lead: str = ""
) -> None:
    """The question of the `person` step: whose role, nine people a message and "More"."""
    question = _("People with a staff role. Whose role do you want to revoke?")
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.staff(members, page)
    )


async def ask_grant(
    bot: Bot, chat_id: int, member: StaffMember, page: int = 0, lead: str = ""
) -> None:
    """The question of the `role` step: which of the person's staff roles."""
    question = _("{name}: which role do you want to revoke?").format(name=member.full_name)
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.grants(member, page)
    )


async def ask_confirm(
    bot: Bot, chat_id: int, member: StaffMember, grant: Grant, lead: str = ""
) -> None:
    """The question of the `confirm` step."""
    question = _("Revoke the role “{role}” from {name}? They will be told.").format(
        role=grant_label(grant), name=member.full_name
    )
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.confirm(grant)
    )


async def cmd_staff(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """Lists the people holding staff roles."""
    await state.clear()
    members = await list_staff(session, actor.locale)
    if not members:
        await message.answer(_("Nobody holds a staff role."))
        return
    await state.set_state(StaffFlow.person)
    await ask_person(bot, message.chat.id, members, 0)


async def cb_staff_page(
    query: CallbackQuery,
    callback_data: StaffPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The next nine people."""
    await query.answer()
    await state.update_data(page=callback_data.page)
    members = await list_staff(session, actor.locale)
    await ask_person(bot, chat_of(query), members, callback_data.page)


async def cb_staff_person(
    query: CallbackQuery,
    callback_data: StaffPersonCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The person's staff roles, each a button."""
    member = await staff_member(session, callback_data.person, actor.locale)
    if member is None:  # revoked or deleted meanwhile, or a forged button
        await query.answer(_("This person no longer has a staff role."), show_alert=True)
        return
    await query.answer()
    await state.set_state(StaffFlow.role)
    await state.update_data(person=member.person_id, page=0)
    await ask_grant(bot, chat_of(query), member)


async def cb_grant_page(
    query: CallbackQuery,
    callback_data: StaffPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The person's next nine roles (a teacher of many clubs)."""
    member = await staff_member(session, (await state.get_data())["person"], actor.locale)
    if member is None:
        await gone(query, state, _("This person no longer has a staff role."))
        return
    await query.answer()
    await state.update_data(page=callback_data.page)
    await ask_grant(bot, chat_of(query), member, callback_data.page)


async def cb_staff_grant(
    query: CallbackQuery,
    callback_data: StaffGrantCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """Asks to confirm."""
    found = await staff_grant(session, callback_data.grant, actor.locale)
    if found is None:
        await query.answer(_("This role has already been revoked."), show_alert=True)
        return
    await query.answer()
    member, grant = found
    await state.set_state(StaffFlow.confirm)
    await state.update_data(person=member.person_id, grant=grant.id)
    await ask_confirm(bot, chat_of(query), member, grant)


async def cb_revoke(
    query: CallbackQuery,
    callback_data: RevokeCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    """Revokes the role; the person is told in their language."""
    if callback_data.grant != (await state.get_data()).get("grant"):
        await query.answer(stale_button(), show_alert=True)  # the button of an earlier choice
        return
    await query.answer()
    await state.clear()
    chat = chat_of(query)

    def notice(revoked: RevokedNotice) -> str:
        with i18n.use_locale(revoked.locale):
            return revoked_notice(revoked)

    try:
        revoked = await revoke_grant(
            session, actor.person_id, callback_data.grant, actor.locale, notice
        )
    except GrantGone:
        await bot.send_message(chat, _("This role has already been revoked."))
        return
    except LastAdmin:
        await bot.send_message(chat, last_admin_revoke_text())
        return
    except NotAllowed:
        await bot.send_message(chat, stale_button())
        return
    await bot.send_message(
        chat,
        _("Done: {name} no longer has the role “{role}”. They will be told.").format(
            name=revoked.full_name, role=grant_label(revoked.grant)
        ),
    )
    if revoked.grant.person_id == actor.person_id:  # an admin who gave up a role of their own
        await menu.publish(bot, chat, revoked.remaining, i18n, actor.locale)


async def cb_keep(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    """Changes nothing."""
    await query.answer()
    await state.clear()
    await bot.send_message(chat_of(query), _("Nothing was changed."))


async def gone(query: CallbackQuery, state: FSMContext, text: str) -> None:
    await end_conversation(state)
    await query.answer(text, show_alert=True)


@only_for(Role.ADMIN)
async def step_person(asking: Asking) -> None:
    """The list again, at the page shown last."""
    members = await list_staff(asking.session, asking.locale)
    if not members:
        await asking.close(_("Nobody holds a staff role."))
        return
    page = int((await asking.state.get_data()).get("page", 0))
    await ask_person(asking.bot, asking.chat_id, members, page, asking.hint)


@only_for(Role.ADMIN)
async def step_grant(asking: Asking) -> None:
    """The person's roles again."""
    data = await asking.state.get_data()
    person = data.get("person")
    member = await staff_member(asking.session, int(person), asking.locale) if person else None
    if member is None:
        await asking.close(_("This person no longer has a staff role."))
        return
    await ask_grant(asking.bot, asking.chat_id, member, int(data.get("page", 0)), asking.hint)


@only_for(Role.ADMIN)
async def step_confirm(asking: Asking) -> None:
    """The confirmation again."""
    grant_id = (await asking.state.get_data()).get("grant")
    found = await staff_grant(asking.session, int(grant_id), asking.locale) if grant_id else None
    if found is None:
        await asking.close(_("This role has already been revoked."))
        return
    await ask_confirm(asking.bot, asking.chat_id, *found, lead=asking.hint)


STEPS: dict[State, Ask] = {
    StaffFlow.person: step_person,
    StaffFlow.role: step_grant,
    StaffFlow.confirm: step_confirm,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.callback_query.filter(HasRole(Role.ADMIN))
    router.message.register(cmd_staff, Command("staff"))
    router.callback_query.register(
        cb_staff_page, StateFilter(StaffFlow.person), StaffPageCb.filter()
    )
    router.callback_query.register(
        cb_staff_person, StateFilter(StaffFlow.person), StaffPersonCb.filter()
    )
    router.callback_query.register(cb_grant_page, StateFilter(StaffFlow.role), StaffPageCb.filter())
    router.callback_query.register(
        cb_staff_grant, StateFilter(StaffFlow.role), StaffGrantCb.filter()
    )
    router.callback_query.register(
        cb_revoke, StateFilter(StaffFlow.confirm), RevokeCb.filter(F.confirm.is_(True))
    )
    router.callback_query.register(
        cb_keep, StateFilter(StaffFlow.confirm), RevokeCb.filter(F.confirm.is_(False))
    )
    return router
