"""Coordinators (their region) and administrators (all): /applications, a card's Approve /
Reject, a reason for a rejection. States in states.py."""

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
from handlers.common.filters import HasRole, typed_text
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, only_for, with_lead
from handlers.volunteers import keyboards
from handlers.volunteers.callbacks import (
    ApplicationCb,
    ApplicationsPageCb,
    ConfirmInstitutionCb,
    NoReasonCb,
    ReviewCb,
)
from handlers.volunteers.render import result_renderer
from handlers.volunteers.states import ReviewFlow
from handlers.volunteers.texts import card_text
from services.errors import NotAllowed
from services.people import Actor
from services.roles import Role
from services.volunteers.applications import AlreadyDecided, decide
from services.volunteers.profile import (
    Pending,
    Proposed,
    card_for,
    confirm_institution,
    pending_for,
    proposed_for,
)

REVIEWERS = (Role.COORDINATOR, Role.ADMIN)


def already_decided() -> str:
    return _("This application has already been decided.")


async def send_list(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor, page: int, lead: str = ""
) -> bool:
    pending = await pending_for(session, actor.person_id, actor.locale)
    proposed = await proposed_for(session, actor.person_id, actor.locale)
    items: list[Pending | Proposed] = [*pending, *proposed]
    if not items:
        return False
    question = _("Applications waiting for a decision, and new institutions to confirm:")
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.applications(items, page)
    )
    return True


async def cmd_applications(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """Pending applications of my region (all, for an administrator)."""
    await end_conversation(state)
    if not await send_list(bot, message.chat.id, session, actor, 0):
        await message.answer(_("No applications are waiting."))
        return
    await state.set_state(ReviewFlow.pick)


async def cb_page(
    query: CallbackQuery,
    callback_data: ApplicationsPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    await query.answer()
    await state.update_data(page=callback_data.page)
    await send_list(bot, chat_of(query), session, actor, callback_data.page)


async def cb_open(
    query: CallbackQuery,
    callback_data: ApplicationCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The application's card with Approve / Reject."""
    card = await card_for(session, actor.person_id, callback_data.volunteer, actor.locale)
    if card is None:
        await query.answer(already_decided(), show_alert=True)
        return
    await query.answer()
    await end_conversation(state)
    await bot.send_message(
        chat_of(query), card_text(card), reply_markup=keyboards.review(card.volunteer_id)
    )


async def cb_review(
    query: CallbackQuery,
    callback_data: ReviewCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Approve at once; Reject asks for a reason first."""
    chat = chat_of(query)
    if not callback_data.approve:
        card = await card_for(session, actor.person_id, callback_data.volunteer, actor.locale)
        if card is None:
            await query.answer(stale_button(), show_alert=True)
            return
        await query.answer()
        await state.set_state(ReviewFlow.reason)
        await state.set_data({"volunteer": card.volunteer_id})
        await send_reason_question(bot, chat, card.volunteer_id)
        return
    await query.answer()
    await decide_and_say(bot, chat, session, actor, i18n, callback_data.volunteer, True, None)


async def send_reason_question(bot: Bot, chat_id: int, volunteer_id: int, lead: str = "") -> None:
    question = _("Why is it rejected? Type the reason (the volunteer will see it), or:")
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.no_reason(volunteer_id)
    )


async def on_reason(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
) -> None:
    volunteer = (await state.get_data()).get("volunteer")
    await end_conversation(state)
    if not volunteer:
        await message.answer(stale_button())
        return
    reason = (message.text or "")[:500]
    await decide_and_say(bot, message.chat.id, session, actor, i18n, int(volunteer), False, reason)


async def cb_no_reason(
    query: CallbackQuery,
    callback_data: NoReasonCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
) -> None:
    if callback_data.volunteer != (await state.get_data()).get("volunteer"):
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await end_conversation(state)
    await decide_and_say(
        bot, chat_of(query), session, actor, i18n, callback_data.volunteer, False, None
    )


async def decide_and_say(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    actor: Actor,
    i18n: I18n,
    volunteer_id: int,
    approve: bool,
    reason: str | None,
) -> None:
    try:
        decided = await decide(
            session,
            actor.person_id,
            volunteer_id,
            approve=approve,
            reason=reason,
            tell=result_renderer(i18n),
        )
    except AlreadyDecided:
        await bot.send_message(chat_id, already_decided())
        return
    except NotAllowed:
        await bot.send_message(chat_id, stale_button())
        return
    if decided.approved:
        text = _("Approved: {name}. They will be told.")
    else:
        text = _("Rejected: {name}. They will be told.")
    await bot.send_message(chat_id, text.format(name=decided.full_name))


async def cb_confirm_institution(
    query: CallbackQuery,
    callback_data: ConfirmInstitutionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """A typed-in institution becomes one everybody can pick."""
    try:
        name = await confirm_institution(session, actor.person_id, callback_data.institution)
    except AlreadyDecided:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await end_conversation(state)
    await bot.send_message(
        chat_of(query), _("Confirmed: {name}. Volunteers can pick it now.").format(name=name)
    )


@only_for(*REVIEWERS)
async def ask_pick(asking: Asking) -> None:
    assert asking.actor is not None
    page = int((await asking.state.get_data()).get("page", 0))
    if not await send_list(
        asking.bot, asking.chat_id, asking.session, asking.actor, page, asking.hint
    ):
        await asking.close(_("No applications are waiting."))


@only_for(*REVIEWERS)
async def ask_reason(asking: Asking) -> None:
    volunteer = (await asking.state.get_data()).get("volunteer")
    if not volunteer:
        await asking.close(stale_button())
        return
    await send_reason_question(asking.bot, asking.chat_id, int(volunteer), asking.hint)


STEPS: dict[State, Ask] = {ReviewFlow.pick: ask_pick, ReviewFlow.reason: ask_reason}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*REVIEWERS))
    router.callback_query.filter(HasRole(*REVIEWERS))
    router.message.register(cmd_applications, Command("applications"))
    router.callback_query.register(
        cb_page, StateFilter(ReviewFlow.pick), ApplicationsPageCb.filter()
    )
    router.callback_query.register(cb_open, ApplicationCb.filter())
    router.callback_query.register(cb_confirm_institution, ConfirmInstitutionCb.filter())
    router.callback_query.register(cb_review, ReviewCb.filter())
    router.callback_query.register(
        cb_no_reason, StateFilter(ReviewFlow.reason), NoReasonCb.filter()
    )
    router.message.register(on_reason, StateFilter(ReviewFlow.reason), typed_text)
    return router
