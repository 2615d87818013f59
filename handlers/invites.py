"""/invite (admins): pick a role and its club, site or region; get a deep link to hand out."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import keyboards
from handlers.callbacks import InviteRoleCb, InviteScopeCb
from handlers.deeplinks import DeepLinks
from handlers.filters import HasRole
from handlers.fmt import local_datetime
from handlers.labels import role_label
from handlers.states import InviteFlow
from services.directory import list_scope, scope_name
from services.errors import InvalidScope, NotAllowed
from services.invites import Scope, create_invite
from services.people import Actor
from services.roles import SCOPE_OF_ROLE
from storage.models import Role

router = Router(name=__name__)
router.message.filter(HasRole(Role.ADMIN))
router.callback_query.filter(HasRole(Role.ADMIN))

INVITE_TTL = timedelta(days=14)


@router.message(Command("invite"))
async def cmd_invite(message: Message, state: FSMContext) -> None:
    """Starts an invite: which role?"""
    await state.set_state(InviteFlow.role)
    await message.answer(
        _("Whom do you want to invite?"), reply_markup=keyboards.invite_roles(list(SCOPE_OF_ROLE))
    )


@router.callback_query(InviteFlow.role, InviteRoleCb.filter())
async def cb_invite_role(
    query: CallbackQuery,
    callback_data: InviteRoleCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: str,
) -> None:
    """Asks for the scope the role needs, or makes an admin invite straight away."""
    await query.answer()
    assert query.message is not None
    try:
        role = Role(callback_data.role)
        kind = SCOPE_OF_ROLE[role]
    except (ValueError, KeyError):
        await bot.send_message(query.message.chat.id, _("This button is out of date."))
        return
    if kind is None:
        await finish(
            query.message.chat.id, Scope(), role, state, session, actor, bot, links, channel
        )
        return
    items = await list_scope(session, kind, actor.locale)
    if not items:
        await state.clear()
        await bot.send_message(query.message.chat.id, _("There is nothing to choose from yet."))
        return
    await state.update_data(role=role)
    await state.set_state(InviteFlow.scope)
    prompts = {
        "region": _("Which region will the coordinator lead?"),
        "club": _("Which club will the teacher teach?"),
        "site": _("Which building will the duty officer look after?"),
    }
    await bot.send_message(
        query.message.chat.id, prompts[kind], reply_markup=keyboards.scope_choices(kind, items)
    )


@router.callback_query(InviteFlow.scope, InviteScopeCb.filter())
async def cb_invite_scope(
    query: CallbackQuery,
    callback_data: InviteScopeCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: str,
) -> None:
    """Makes the invite for the chosen place."""
    await query.answer()
    assert query.message is not None
    role = Role((await state.get_data())["role"])
    scope = Scope(callback_data.kind, callback_data.id)
    await finish(query.message.chat.id, scope, role, state, session, actor, bot, links, channel)


async def finish(
    chat_id: int,
    scope: Scope,
    role: Role,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    links: DeepLinks,
    channel: str,
) -> None:
    try:
        view = await create_invite(
            session, actor.person_id, actor.roles, role, scope, ttl=INVITE_TTL
        )
    except (InvalidScope, NotAllowed):
        await bot.send_message(chat_id, _("This button is out of date."))
        return
    finally:
        await state.clear()
    if links.telegram_username is None and channel == "telegram":
        links.telegram_username = (await bot.me()).username
    place = await scope_name(session, scope.kind, scope.id, actor.locale)
    who = role_label(role) + (f" — {place}" if place else "")
    await bot.send_message(
        chat_id,
        _(
            "Invite for: {who}\nFor one person, valid until {until}. Open the link:\n{links}\n"
            "or send this to the bot: /start {code}"
        ).format(
            who=who,
            until=local_datetime(view.expires_at, actor.locale),
            links="\n".join(links.for_start(view.code)),
            code=view.code,
        ),
    )


@router.message(StateFilter(InviteFlow.role, InviteFlow.scope))
async def invite_expected(message: Message) -> None:
    """Anything but a button while making an invite."""
    await message.answer(_("Please choose with the buttons above, or send /cancel."))
