"""/courses (my courses, sign-up to open ones) and /checkin (diagram: docs/flows/courses.mmd)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.callbacks import DbId, Page
from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole, NotCommand
from handlers.common.keyboards import paged
from handlers.common.labels import clip
from handlers.common.steps import Ask, Asking, only_for
from handlers.courses.states import CheckinFlow
from handlers.courses.texts import checkin_text, course_problem_text, my_course_text
from services.courses.attendance import check_in
from services.courses.courses import CourseProblem, OpenCourse, my_courses, open_courses, sign_up
from services.people import Actor
from services.roles import Role


class SignUpCb(CallbackData, prefix="crs_join"):
    course: DbId


class OpenPageCb(CallbackData, prefix="crs_open"):
    page: Page


def open_buttons(found: list[OpenCourse], page: int, locale: str) -> InlineKeyboardMarkup:
    def button(course: OpenCourse) -> tuple[str, CallbackData]:
        label = course.title
        if course.seats_left is not None:
            label = _("{title} (seats: {n})").format(title=course.title, n=course.seats_left)
        return clip(label), SignUpCb(course=course.course_id)

    return paged(found, page, button, lambda p: OpenPageCb(page=p))


async def cmd_courses(message: Message, session: AsyncSession, actor: Actor) -> None:
    """My courses: next session, link, attendance; then the open ones to sign up to."""
    mine = await my_courses(session, actor.person_id, actor.locale)
    if mine:
        await message.answer(
            "\n\n".join([_("Your courses:"), *(my_course_text(c, actor.locale) for c in mine)])
        )
    found = await open_courses(session, actor.person_id, actor.locale)
    if found:
        await message.answer(
            _("Open courses you can sign up to:"),
            reply_markup=open_buttons(found, 0, actor.locale),
        )
    elif not mine:
        await message.answer(_("You are not on any course yet, and none is open for sign-up."))


async def cb_open_page(
    query: CallbackQuery, callback_data: OpenPageCb, session: AsyncSession, actor: Actor
) -> None:
    """The next page of open courses, in a new message."""
    found = await open_courses(session, actor.person_id, actor.locale)
    await query.answer()
    if found and isinstance(query.message, Message):
        await query.message.answer(
            _("Open courses you can sign up to:"),
            reply_markup=open_buttons(found, callback_data.page, actor.locale),
        )


async def cb_sign_up(
    query: CallbackQuery, callback_data: SignUpCb, session: AsyncSession, actor: Actor
) -> None:
    """Takes a seat if one is left."""
    try:
        await sign_up(session, actor.person_id, callback_data.course)
    except CourseProblem as problem:
        await query.answer(course_problem_text(problem.reason))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            _("You are signed up. /courses shows the sessions and the link.")
        )


async def cmd_checkin(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """With the code word: checks in. Without: asks for it."""
    word = (command.args or "").strip()
    if word:
        await answer_checkin(message, session, actor, word)
        return
    await state.set_state(CheckinFlow.code)
    await message.answer(checkin_question())


def checkin_question() -> str:
    return _("Type the code word the trainer gave in the session (or /cancel).")


async def code_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    """The code word typed after /checkin."""
    if not message.text:
        await message.answer(checkin_question())
        return
    await end_conversation(state)
    await answer_checkin(message, session, actor, message.text or "")


async def answer_checkin(message: Message, session: AsyncSession, actor: Actor, word: str) -> None:
    try:
        result = await check_in(session, actor.person_id, word[:60], actor.locale)
    except CourseProblem as problem:
        await message.answer(course_problem_text(problem.reason))
        return
    await message.answer(checkin_text(result))


@only_for(Role.VOLUNTEER)
async def ask_code(asking: Asking) -> None:
    await asking.send(checkin_question())


STEPS: dict[State, Ask] = {CheckinFlow.code: ask_code}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.VOLUNTEER))
    router.callback_query.filter(HasRole(Role.VOLUNTEER))
    router.message.register(cmd_courses, Command("courses"))
    router.message.register(cmd_checkin, Command("checkin"))
    router.message.register(code_typed, StateFilter(CheckinFlow.code), NotCommand())
    router.callback_query.register(cb_sign_up, SignUpCb.filter())
    router.callback_query.register(cb_open_page, OpenPageCb.filter())
    return router
