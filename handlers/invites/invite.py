"""/invite (admins): pick a role and its club, site or region; get a deep link to hand out.
States in states.py."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.deeplinks import DeepLinks
from handlers.common.filters import HasRole
from handlers.common.fmt import local_datetime
from handlers.common.labels import role_label, stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, only_for
from handlers.invites.callbacks import InvitePageCb, InviteRoleCb, InviteScopeCb
from handlers.invites.keyboards import roles_keyboard, scope_keyboard, scope_prompt
from handlers.invites.states import InviteFlow
from services.channels import Channel
from services.errors import NotAllowed
from services.invites.directory import list_scope
from services.invites.invites import InvalidScope, create_invite
from services.people import Actor
from services.roles import SCOPE_OF_ROLE, Role, Scope, ScopeKind

INVITE_TTL = timedelta(days=14)


async def cmd_invite(message: Message, state: FSMContext) -> None:
    """Starts an invite: which role?"""
    await state.set_state(InviteFlow.role)
    await message.answer(_("Whom do you want to invite?"), reply_markup=roles_keyboard())


async def cb_invite_role(
    query: CallbackQuery,
    callback_data: InviteRoleCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: Channel,
) -> None:
    """Asks for the scope the role needs, or makes an admin invite straight away."""
    await query.answer()
    role = callback_data.role
    if role not in SCOPE_OF_ROLE:
        await bot.send_message(chat_of(query), stale_button())
        return
    kind = SCOPE_OF_ROLE[role]
    if kind is None:
        await finish(query, Scope(), role, state, session, actor, bot, links, channel)
        return
    await show_scope(query, role, kind, 0, state, session, actor, bot)


async def cb_invite_page(
    query: CallbackQuery,
    callback_data: InvitePageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The next page of places."""
    await query.answer()
    role = Role((await state.get_data())["role"])
    kind = SCOPE_OF_ROLE[role]
    assert kind is not None
    await show_scope(query, role, kind, callback_data.page, state, session, actor, bot)


async def show_scope(
    query: CallbackQuery,
    role: Role,
    kind: ScopeKind,
    page: int,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    items = await list_scope(session, kind, actor.locale)
    if not items:
        await state.clear()
        await bot.send_message(chat_of(query), _("There is nothing to choose from yet."))
        return
    await state.update_data(role=role, page=page)
    await state.set_state(InviteFlow.scope)
    await bot.send_message(
        chat_of(query), scope_prompt(kind), reply_markup=scope_keyboard(kind, items, page)
    )


async def cb_invite_scope(
    query: CallbackQuery,
    callback_data: InviteScopeCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: Channel,
) -> None:
    """Makes the invite for the chosen place."""
    await query.answer()
    role = Role((await state.get_data())["role"])
    scope = Scope(callback_data.kind, callback_data.id)
    await finish(query, scope, role, state, session, actor, bot, links, channel)


async def finish(
    query: CallbackQuery,
    scope: Scope,
    role: Role,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: Channel,
) -> None:
    chat = chat_of(query)
    await state.clear()
    try:
        view = await create_invite(
            session,
            actor.person_id,
            actor.roles,
            role,
            scope,
            ttl=INVITE_TTL,
            locale=actor.locale,
        )
    except (InvalidScope, NotAllowed):
        await bot.send_message(chat, stale_button())
        return
    if links.telegram_username is None and channel is Channel.TELEGRAM:
        links.telegram_username = (await bot.me()).username
    who = role_label(role) + (f" — {view.place}" if view.place else "")
    await bot.send_message(
        chat,
        _(
            "Invite for: {who}\nSingle use. Valid until: {until}.\nOpen the link:\n{links}\n"
            "or send this to the bot: /start {code}"
        ).format(
            who=who,
            until=local_datetime(view.expires_at, actor.locale),
            links="\n".join(links.for_start(view.code)),
            code=view.code,
        ),
    )


@only_for(Role.ADMIN)
async def ask_role(asking: Asking) -> None:
    await asking.send(_("Whom do you want to invite?"), roles_keyboard())


@only_for(Role.ADMIN)
async def ask_scope(asking: Asking) -> None:
    """The page of places the admin was looking at."""
    data = await asking.state.get_data()
    role = data.get("role")
    kind = SCOPE_OF_ROLE.get(Role(role)) if role in set(Role) else None
    items = await list_scope(asking.session, kind, asking.locale) if kind else []
    if kind is None or not items:
        await asking.close(stale_button())
        return
    await asking.send(scope_prompt(kind), scope_keyboard(kind, items, int(data.get("page", 0))))


STEPS: dict[State, Ask] = {InviteFlow.role: ask_role, InviteFlow.scope: ask_scope}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.callback_query.filter(HasRole(Role.ADMIN))
    router.message.register(cmd_invite, Command("invite"))
    router.callback_query.register(
        cb_invite_role, StateFilter(InviteFlow.role), InviteRoleCb.filter()
    )
    router.callback_query.register(
        cb_invite_page, StateFilter(InviteFlow.scope), InvitePageCb.filter()
    )
    router.callback_query.register(
        cb_invite_scope, StateFilter(InviteFlow.scope), InviteScopeCb.filter()
    )
    return router
