"""/newcourse (administrators, coordinators): title → kind → region → link → sessions; the
region's approved volunteers are enrolled at once (diagram: docs/flows/courses.mmd)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.callbacks import Page
from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole, NotCommand
from handlers.common.fmt import local_datetime
from handlers.common.keyboards import inline, paged
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, only_for
from handlers.courses.states import NewCourseFlow
from handlers.courses.texts import course_problem_text
from services.courses.courses import CourseProblem
from services.courses.creation import Draft, creatable_regions, create_from_chat
from services.courses.rules import (
    MAX_SESSIONS,
    SESSION_HOURS,
    is_conference_url,
    parse_sessions,
)
from services.invites.directory import Named
from services.people import Actor
from services.roles import Role
from services.text import clean_text

STAFF = (Role.ADMIN, Role.COORDINATOR)


class KindCb(CallbackData, prefix="crs_kind"):
    kind: str


class RegionCb(CallbackData, prefix="crs_reg"):
    region: int  # 0: the whole republic


class RegionPageCb(CallbackData, prefix="crs_regp"):
    page: Page


class CreateCb(CallbackData, prefix="crs_make"):
    create: bool


def kind_buttons() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Mastery course"), callback_data=KindCb(kind="mastery"))
    builder.button(text=_("Mentorship course"), callback_data=KindCb(kind="mentorship"))
    return inline(builder.adjust(1))


def region_buttons(regions: list[Named], page: int, admin: bool) -> InlineKeyboardMarkup:
    options = ([Named(0, _("The whole republic"))] if admin else []) + regions
    return paged(
        options, page, lambda r: (r.name, RegionCb(region=r.id)), lambda p: RegionPageCb(page=p)
    )


async def cmd_newcourse(message: Message, state: FSMContext) -> None:
    """Starts a course: its title first."""
    await state.set_state(NewCourseFlow.title)
    await message.answer(title_question())


def title_question() -> str:
    return _("New course. Its title? (or /cancel)")


async def title_typed(message: Message, state: FSMContext) -> None:
    title = clean_text(message.text or "", 200)
    if not title:
        await message.answer(title_question())
        return
    await state.update_data(title=title)
    await state.set_state(NewCourseFlow.kind)
    await message.answer(_("Which kind of course?"), reply_markup=kind_buttons())


async def cb_kind(
    query: CallbackQuery,
    callback_data: KindCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    if callback_data.kind not in ("mastery", "mentorship"):
        await query.answer(stale_button())
        return
    await query.answer()
    await state.update_data(kind=callback_data.kind)
    await state.set_state(NewCourseFlow.region)
    if isinstance(query.message, Message):
        await send_regions(query.message, session, actor, 0)


async def send_regions(message: Message, session: AsyncSession, actor: Actor, page: int) -> None:
    regions = await creatable_regions(session, actor.person_id, actor.locale)
    await message.answer(
        _("Which region's volunteers is it for?"),
        reply_markup=region_buttons(regions, page, actor.has(Role.ADMIN)),
    )


async def cb_region_page(
    query: CallbackQuery, callback_data: RegionPageCb, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await send_regions(query.message, session, actor, callback_data.page)


async def cb_region(
    query: CallbackQuery, callback_data: RegionCb, state: FSMContext, actor: Actor
) -> None:
    await query.answer()
    await state.update_data(region=callback_data.region)
    await state.set_state(NewCourseFlow.link)
    if isinstance(query.message, Message):
        await query.message.answer(link_question())


def link_question() -> str:
    return _("The link to the online conference where the sessions take place?")


async def link_typed(message: Message, state: FSMContext) -> None:
    url = (message.text or "").strip()
    if not is_conference_url(url) or len(url) > 500:
        await message.answer(course_problem_text("bad_url") + "\n\n" + link_question())
        return
    await state.update_data(url=url)
    await state.set_state(NewCourseFlow.sessions)
    await message.answer(sessions_question())


def sessions_question() -> str:
    return _(
        "The sessions, one a line: date and start time in Almaty time, e.g.\n"
        "01.12.2026 18:00\n02.12.2026 18:00\nEach session lasts 2 hours."
    )


async def sessions_typed(message: Message, state: FSMContext, actor: Actor) -> None:
    """Dates in one message or several: each is added to the list, shown with "Create"."""
    sessions = parse_sessions(message.text or "")
    if sessions is None:
        await message.answer(_("I could not read those dates.") + "\n\n" + sessions_question())
        return
    noted = {start for start, _end in noted_sessions(await state.get_data())}
    noted |= {start for start, _end in sessions}
    if len(noted) > MAX_SESSIONS:
        await message.answer(_("I could not read those dates.") + "\n\n" + sessions_question())
        return
    await state.update_data(dates=sorted(start.isoformat() for start in noted))
    await send_noted(message.bot, message.chat.id, await state.get_data(), actor.locale)


def noted_sessions(data: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    starts = [datetime.fromisoformat(str(text)) for text in data.get("dates") or []]
    return [(start, start + timedelta(hours=SESSION_HOURS)) for start in sorted(starts)]


async def send_noted(bot: Bot | None, chat_id: int, data: dict[str, Any], locale: str) -> None:
    assert bot is not None
    sessions = noted_sessions(data)
    lines = "\n".join(
        f"{n}. {local_datetime(start, locale)}" for n, (start, _end) in enumerate(sessions, 1)
    )
    text = ngettext(
        "{count} session so far:\n{lines}\n\nSend more dates, or create the course.",
        "{count} sessions so far:\n{lines}\n\nSend more dates, or create the course.",
        len(sessions),
    ).format(count=len(sessions), lines=lines)
    await bot.send_message(chat_id, text, reply_markup=create_buttons())


def create_buttons() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Create the course"), callback_data=CreateCb(create=True))
    builder.button(text=_("Type the dates again"), callback_data=CreateCb(create=False))
    return inline(builder.adjust(1))


async def cb_create(
    query: CallbackQuery,
    callback_data: CreateCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """Creates the course with the dates noted, or forgets them to type them again."""
    data = await state.get_data()
    sessions = noted_sessions(data)
    await query.answer()
    chat = chat_of(query)
    assert query.bot is not None
    if not callback_data.create or not sessions:
        await state.update_data(dates=[])
        await query.bot.send_message(chat, sessions_question())
        return
    await end_conversation(state)
    region = int(data.get("region") or 0)
    draft = Draft(
        str(data.get("title", "")),
        str(data.get("kind", "mastery")),
        region or None,
        str(data.get("url", "")),
        sessions,
    )
    try:
        _course, enrolled = await create_from_chat(session, actor.person_id, draft, actor.locale)
    except CourseProblem as problem:
        await query.bot.send_message(chat, course_problem_text(problem.reason))
        return
    await query.bot.send_message(
        chat,
        _(
            "Course «{title}» is created. Sessions: {sessions}; volunteers enrolled: "
            "{enrolled}. /course shows its sessions and code words."
        ).format(title=draft.title, sessions=len(sessions), enrolled=enrolled),
    )


@only_for(*STAFF)
async def ask_title(asking: Asking) -> None:
    await asking.send(title_question())


@only_for(*STAFF)
async def ask_kind(asking: Asking) -> None:
    await asking.send(_("Which kind of course?"), kind_buttons())


@only_for(*STAFF)
async def ask_region(asking: Asking) -> None:
    assert asking.actor is not None
    regions = await creatable_regions(asking.session, asking.actor.person_id, asking.locale)
    await asking.send(
        _("Which region's volunteers is it for?"),
        region_buttons(regions, 0, asking.actor.has(Role.ADMIN)),
    )


@only_for(*STAFF)
async def ask_link(asking: Asking) -> None:
    await asking.send(link_question())


@only_for(*STAFF)
async def ask_sessions(asking: Asking) -> None:
    data = await asking.state.get_data()
    if noted_sessions(data):
        await send_noted(asking.bot, asking.chat_id, data, asking.locale)
        return
    await asking.send(sessions_question())


STEPS: dict[State, Ask] = {
    NewCourseFlow.title: ask_title,
    NewCourseFlow.kind: ask_kind,
    NewCourseFlow.region: ask_region,
    NewCourseFlow.link: ask_link,
    NewCourseFlow.sessions: ask_sessions,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*STAFF))
    router.callback_query.filter(HasRole(*STAFF))
    router.message.register(cmd_newcourse, Command("newcourse"))
    router.message.register(title_typed, StateFilter(NewCourseFlow.title), NotCommand())
    router.message.register(link_typed, StateFilter(NewCourseFlow.link), NotCommand())
    router.message.register(sessions_typed, StateFilter(NewCourseFlow.sessions), NotCommand())
    router.callback_query.register(cb_kind, StateFilter(NewCourseFlow.kind), KindCb.filter())
    router.callback_query.register(
        cb_region_page, StateFilter(NewCourseFlow.region), RegionPageCb.filter()
    )
    router.callback_query.register(cb_region, StateFilter(NewCourseFlow.region), RegionCb.filter())
    router.callback_query.register(
        cb_create, StateFilter(NewCourseFlow.sessions), CreateCb.filter()
    )
    return router
