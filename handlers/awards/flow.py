"""/awards: administrators (republican letters) and coordinators (their region's) pick
awardees from the suggested ranking, give an optional reason and confirm. States in states.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.awards import keyboards
from handlers.awards.callbacks import AwardConfirmCb, AwardPageCb, AwardPickCb, NoReasonCb
from handlers.awards.states import AwardFlow
from handlers.awards.texts import (
    already_text,
    awarded_text,
    awardee_notice,
    confirm_question,
    nobody_text,
    ranking_text,
    reason_question,
)
from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole, typed_text
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, asking_in, only_for
from services.awards.awards import (
    AlreadyAwarded,
    LetterView,
    VolunteerGone,
    already_awarded,
    award,
    award_scope,
)
from services.awards.ranking import ranking
from services.awards.rules import award_season, local_day
from services.channels import Channel
from services.errors import NotAllowed
from services.people import Actor
from services.roles import Role
from storage.base import utcnow

STAFF = (Role.ADMIN, Role.COORDINATOR)


def current_season() -> int:
    return award_season(local_day(utcnow()))


async def ask_ranking(asking: Asking, page: int) -> None:
    """The `ranking` question: a page of the suggested ranking, a button for each."""
    assert asking.actor is not None  # the steps are only_for these roles
    admin = asking.actor.has(Role.ADMIN)
    try:
        scope = await award_scope(asking.session, asking.actor.person_id, admin, asking.locale)
    except NotAllowed:
        await asking.close(_("You coordinate no region yet."))
        return
    season = current_season()
    found = await ranking(asking.session, season, scope.level, scope.region_id)
    if not found:
        await asking.close(nobody_text())
        return
    page = max(0, min(page, (len(found) - 1) // (keyboards.MAX_OPTIONS - 1)))
    await asking.send(ranking_text(scope, season, found, page), keyboards.ranking(found, page))


async def ask_reason(asking: Asking) -> None:
    data = await asking.state.get_data()
    volunteer = int(data.get("volunteer", 0))
    await asking.send(reason_question(str(data.get("name", ""))), keyboards.no_reason(volunteer))


async def ask_confirm(asking: Asking) -> None:
    assert asking.actor is not None
    data = await asking.state.get_data()
    admin = asking.actor.has(Role.ADMIN)
    try:
        scope = await award_scope(asking.session, asking.actor.person_id, admin, asking.locale)
    except NotAllowed:
        await asking.close(stale_button())
        return
    text = confirm_question(str(data.get("name", "")), data.get("reason"), scope, current_season())
    await asking.send(text, keyboards.confirm(int(data.get("volunteer", 0))))


async def cmd_awards(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The suggested ranking of my scope (the republic, or my region)."""
    await end_conversation(state)
    await state.set_state(AwardFlow.ranking)
    await state.update_data(page=0)
    await ask_ranking(asking_in(bot, message.chat.id, state, session, actor, channel), 0)


async def cb_page(
    query: CallbackQuery,
    callback_data: AwardPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The next page of the ranking."""
    await query.answer()
    await state.update_data(page=callback_data.page)
    asking = asking_in(bot, chat_of(query), state, session, actor, channel)
    await ask_ranking(asking, callback_data.page)


async def cb_pick(
    query: CallbackQuery,
    callback_data: AwardPickCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """A volunteer: the reason is asked next. Another region's is out of date."""
    try:
        name = await already_awarded(
            session,
            actor.person_id,
            actor.has(Role.ADMIN),
            callback_data.volunteer,
            current_season(),
        )
    except (NotAllowed, VolunteerGone):
        await query.answer(stale_button(), show_alert=True)
        return
    except AlreadyAwarded:
        await query.answer(already_text(), show_alert=True)
        return
    await query.answer()
    await state.set_state(AwardFlow.reason)
    await state.update_data(volunteer=callback_data.volunteer, name=name, reason=None)
    await ask_reason(asking_in(bot, chat_of(query), state, session, actor, channel))


async def to_confirm(
    chat_id: int,
    reason: str | None,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    await state.set_state(AwardFlow.confirm)
    await state.update_data(reason=reason)
    await ask_confirm(asking_in(bot, chat_id, state, session, actor, channel))


async def msg_reason(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The reason, typed."""
    reason = (message.text or "").strip()[:500] or None
    await to_confirm(message.chat.id, reason, state, session, actor, bot, channel)


async def cb_no_reason(
    query: CallbackQuery,
    callback_data: NoReasonCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """No reason on the letter."""
    if callback_data.volunteer != (await state.get_data()).get("volunteer"):
        await query.answer(stale_button(), show_alert=True)  # an earlier volunteer's button
        return
    await query.answer()
    await to_confirm(chat_of(query), None, state, session, actor, bot, channel)


async def cb_confirm(
    query: CallbackQuery,
    callback_data: AwardConfirmCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Awarded: the letter is issued and the awardee told in their language."""
    data = await state.get_data()
    if callback_data.volunteer != data.get("volunteer"):
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await end_conversation(state)
    chat = chat_of(query)

    def notice(letter: LetterView) -> str:
        with i18n.use_locale(letter.locale):
            return awardee_notice(letter)

    try:
        done = await award(
            session,
            actor.person_id,
            actor.has(Role.ADMIN),
            callback_data.volunteer,
            current_season(),
            data.get("reason"),
            notice,
        )
    except (NotAllowed, VolunteerGone):
        await bot.send_message(chat, stale_button())
        return
    except AlreadyAwarded:
        await bot.send_message(chat, already_text())
        return
    await bot.send_message(chat, awarded_text(done.full_name, done.letter.code))


@only_for(*STAFF)
async def step_ranking(asking: Asking) -> None:
    await ask_ranking(asking, int((await asking.state.get_data()).get("page", 0)))


@only_for(*STAFF)
async def step_reason(asking: Asking) -> None:
    await ask_reason(asking)


@only_for(*STAFF)
async def step_confirm(asking: Asking) -> None:
    await ask_confirm(asking)


STEPS: dict[State, Ask] = {
    AwardFlow.ranking: step_ranking,
    AwardFlow.reason: step_reason,
    AwardFlow.confirm: step_confirm,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*STAFF))
    router.callback_query.filter(HasRole(*STAFF))
    router.message.register(cmd_awards, Command("awards"))
    router.callback_query.register(cb_page, StateFilter(AwardFlow.ranking), AwardPageCb.filter())
    router.callback_query.register(cb_pick, StateFilter(AwardFlow.ranking), AwardPickCb.filter())
    router.callback_query.register(cb_no_reason, StateFilter(AwardFlow.reason), NoReasonCb.filter())
    router.message.register(msg_reason, StateFilter(AwardFlow.reason), typed_text)
    router.callback_query.register(
        cb_confirm, StateFilter(AwardFlow.confirm), AwardConfirmCb.filter()
    )
    return router
