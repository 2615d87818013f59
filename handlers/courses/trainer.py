"""/course for a course's trainer (its responsible person, an administrator, the region's
coordinator): my sessions → one session's code word and roll-call, marks toggled by button.
Every button carries ids and is checked again by the service; nothing is kept as state."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.callbacks import DbId, Page
from handlers.common.conversation import end_conversation
from handlers.common.filters import NotCommand
from handlers.common.fmt import local_datetime
from handlers.common.keyboards import paged
from handlers.common.labels import clip, stale_button
from handlers.common.steps import Ask, Asking
from handlers.courses.states import CourseFlow
from handlers.courses.texts import course_problem_text
from services.courses.attendance import (
    Present,
    SessionSheet,
    TrainerSession,
    session_sheet,
    set_code_word,
    toggle_mark,
    trainer_sessions,
)
from services.courses.courses import CourseProblem
from services.people import Actor


class SessionCb(CallbackData, prefix="crs_ses"):
    session: DbId
    page: Page = 0


class SessionsPageCb(CallbackData, prefix="crs_sesp"):
    page: Page


class OwnWordCb(CallbackData, prefix="crs_word"):
    session: DbId


class MarkCb(CallbackData, prefix="crs_mark"):
    session: DbId
    volunteer: DbId
    page: Page


def sessions_buttons(found: list[TrainerSession], page: int, locale: str) -> InlineKeyboardMarkup:
    def button(item: TrainerSession) -> tuple[str, CallbackData]:
        label = f"{item.number}. {local_datetime(item.starts_at, locale)} · {item.title}"
        return clip(label), SessionCb(session=item.session_id)

    return paged(found, page, button, lambda p: SessionsPageCb(page=p))


def sheet_text(sheet: SessionSheet, locale: str) -> str:
    present = sum(p.present for p in sheet.present)
    return _(
        "Session {number} of «{title}», {when}.\nCode word: {word}\n"
        "Checked in: {present} of {total}. Pick a name to mark or unmark it."
    ).format(
        number=sheet.number,
        title=sheet.title,
        when=local_datetime(sheet.starts_at, locale),
        word=sheet.code_word,
        present=present,
        total=len(sheet.present),
    )


OWN_WORD = object()  # the first option of the roll-call: "my own code word"


def sheet_buttons(sheet: SessionSheet, page: int) -> InlineKeyboardMarkup:
    def button(item: object) -> tuple[str, CallbackData]:
        if item is OWN_WORD:
            return _("✏️ Set my own code word"), OwnWordCb(session=sheet.session_id)
        assert isinstance(item, Present)
        mark = "✅" if item.present else "▫️"
        return clip(f"{mark} {item.name}"), MarkCb(
            session=sheet.session_id, volunteer=item.volunteer_id, page=page
        )

    return paged(
        [OWN_WORD, *sheet.present],
        page,
        button,
        lambda p: SessionCb(session=sheet.session_id, page=p),
    )


async def cmd_course(message: Message, session: AsyncSession, actor: Actor | None) -> None:
    """The sessions of the courses I run."""
    found = await trainer_sessions(session, actor.person_id, actor.locale) if actor else []
    if not found:
        await message.answer(_("You run no course with sessions ahead."))
        return
    await message.answer(
        _("Which session?"), reply_markup=sessions_buttons(found, 0, actor.locale if actor else "")
    )


async def cb_sessions_page(
    query: CallbackQuery, callback_data: SessionsPageCb, session: AsyncSession, actor: Actor | None
) -> None:
    found = await trainer_sessions(session, actor.person_id, actor.locale) if actor else []
    await query.answer()
    if found and actor and isinstance(query.message, Message):
        await query.message.answer(
            _("Which session?"),
            reply_markup=sessions_buttons(found, callback_data.page, actor.locale),
        )


async def show_sheet(
    query: CallbackQuery, session: AsyncSession, actor: Actor | None, session_id: int, page: int
) -> None:
    if actor is None:
        await query.answer(stale_button())
        return
    try:
        sheet = await session_sheet(session, actor.person_id, session_id, actor.locale)
    except CourseProblem:
        await query.answer(stale_button())
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            sheet_text(sheet, actor.locale), reply_markup=sheet_buttons(sheet, page)
        )


async def cb_session(
    query: CallbackQuery, callback_data: SessionCb, session: AsyncSession, actor: Actor | None
) -> None:
    """The session's code word and roll-call (a page of it)."""
    await show_sheet(query, session, actor, callback_data.session, callback_data.page)


async def cb_mark(
    query: CallbackQuery, callback_data: MarkCb, session: AsyncSession, actor: Actor | None
) -> None:
    """Marks or unmarks one volunteer, then shows the roll-call again."""
    if actor is None:
        await query.answer(stale_button())
        return
    try:
        await toggle_mark(session, actor.person_id, callback_data.session, callback_data.volunteer)
    except CourseProblem as problem:
        reason = problem.reason
        await query.answer(stale_button() if reason == "no_course" else course_problem_text(reason))
        return
    await show_sheet(query, session, actor, callback_data.session, callback_data.page)


async def cb_own_word(
    query: CallbackQuery,
    callback_data: OwnWordCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
) -> None:
    """Asks for the trainer's own code word for this session."""
    if actor is None or not await trainer_sessions(session, actor.person_id, actor.locale):
        await query.answer(stale_button())
        return
    await query.answer()
    await state.set_state(CourseFlow.word)
    await state.update_data(session=callback_data.session)
    if isinstance(query.message, Message):
        await query.message.answer(word_question())


def word_question() -> str:
    return _("Type the code word for this session (up to 40 characters), or /cancel.")


async def word_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor | None
) -> None:
    """The trainer's own code word."""
    session_id = (await state.get_data()).get("session")
    if not message.text or actor is None or not isinstance(session_id, int):
        await message.answer(word_question())
        return
    await end_conversation(state)
    try:
        word = await set_code_word(session, actor.person_id, session_id, message.text)
    except CourseProblem:
        await message.answer(_("This course is no longer available."))
        return
    await message.answer(_("The code word is now: {word}").format(word=word))


async def ask_word(asking: Asking) -> None:
    await asking.send(word_question())


STEPS: dict[State, Ask] = {CourseFlow.word: ask_word}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(word_typed, StateFilter(CourseFlow.word), NotCommand())
    router.callback_query.register(cb_own_word, OwnWordCb.filter())
    router.message.register(cmd_course, Command("course"))
    router.callback_query.register(cb_sessions_page, SessionsPageCb.filter())
    router.callback_query.register(cb_session, SessionCb.filter())
    router.callback_query.register(cb_mark, MarkCb.filter())
    return router
