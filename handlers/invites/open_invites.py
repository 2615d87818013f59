"""/invites (administrators): the invites not yet used nor expired; cancel one. States in
states.py (OpenInvitesFlow)."""

from __future__ import annotations

from typing import assert_never

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.filters import HasRole
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, only_for, with_lead
from handlers.invites.callbacks import CancelInviteCb, OpenInvitesPageCb
from handlers.invites.keyboards import invite_label, open_invites_keyboard
from handlers.invites.states import OpenInvitesFlow
from services.errors import NotAllowed
from services.invites.invites import InviteProblem, InviteReason
from services.invites.open_invites import OpenInvite, cancel_invite, list_open_invites
from services.people import Actor
from services.roles import Role


async def ask_pick(
    bot: Bot, chat_id: int, invites: list[OpenInvite], page: int, locale: str, lead: str = ""
) -> None:
    """The question of the `pick` step: the open invites, each a button that cancels it."""
    question = _(
        "Open invites, the soonest to expire first. Press one to cancel it: its link stops "
        "working at once."
    )
    await bot.send_message(
        chat_id,
        with_lead(lead, question),
        reply_markup=open_invites_keyboard(invites, page, locale),
    )


async def cmd_invites(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """Lists the open invites."""
    await state.clear()
    invites = await list_open_invites(session, actor.locale)
    if not invites:
        await message.answer(_("There are no open invites. /invite makes one."))
        return
    await state.set_state(OpenInvitesFlow.pick)
    await ask_pick(bot, message.chat.id, invites, 0, actor.locale)


async def cb_invites_page(
    query: CallbackQuery,
    callback_data: OpenInvitesPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The next nine invites."""
    await query.answer()
    await state.update_data(page=callback_data.page)
    invites = await list_open_invites(session, actor.locale)
    await ask_pick(bot, chat_of(query), invites, callback_data.page, actor.locale)


async def cb_cancel_invite(
    query: CallbackQuery,
    callback_data: CancelInviteCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """Cancels the invite: redeeming it from now on says it was cancelled."""
    try:
        invite = await cancel_invite(session, actor.roles, callback_data.id, actor.locale)
    except InviteProblem as problem:
        await query.answer(gone_text(problem.reason), show_alert=True)
        return
    except NotAllowed:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    chat = chat_of(query)
    await bot.send_message(
        chat,
        _("Cancelled: the invite for {invite}. Its link no longer works.").format(
            invite=invite_label(invite)
        ),
    )
    # The rest of the list again, so another can go too (WhatsApp closed the old numbers).
    remaining = await list_open_invites(session, actor.locale)
    if not remaining:
        await state.clear()
        return
    page = int((await state.get_data()).get("page", 0))
    await ask_pick(bot, chat, remaining, page, actor.locale)


def gone_text(reason: InviteReason) -> str:
    """Why an invite on the list cannot be cancelled any more."""
    match reason:
        case InviteReason.REVOKED:
            return _("This invite has already been cancelled.")
        case InviteReason.USED_UP | InviteReason.ALREADY_HAS:
            return _("This invite has already been used; /staff can revoke the role it gave.")
        case InviteReason.EXPIRED:
            return _("This invite has already expired.")
        case InviteReason.UNKNOWN:
            return stale_button()
        case _:
            assert_never(reason)


@only_for(Role.ADMIN)
async def step_pick(asking: Asking) -> None:
    """The list again, at the page shown last."""
    invites = await list_open_invites(asking.session, asking.locale)
    if not invites:
        await asking.close(_("There are no open invites. /invite makes one."))
        return
    page = int((await asking.state.get_data()).get("page", 0))
    await ask_pick(asking.bot, asking.chat_id, invites, page, asking.locale, asking.hint)


STEPS: dict[State, Ask] = {OpenInvitesFlow.pick: step_pick}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.callback_query.filter(HasRole(Role.ADMIN))
    router.message.register(cmd_invites, Command("invites"))
    router.callback_query.register(
        cb_invites_page, StateFilter(OpenInvitesFlow.pick), OpenInvitesPageCb.filter()
    )
    router.callback_query.register(
        cb_cancel_invite, StateFilter(OpenInvitesFlow.pick), CancelInviteCb.filter()
    )
    return router
