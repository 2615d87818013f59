"""Check-in by code word, the trainer's code words and corrections, and the certificate that
follows the last session needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.courses import CourseProblem, approved_volunteer, course_title
from services.courses.rules import (
    MAX_WRONG_CODES,
    in_window,
    needed,
    new_certificate_code,
    new_code_word,
    same_code_word,
)
from services.roles import Role
from services.text import clean_text
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.dialect import insert_for
from storage.models.courses import (
    Attendance,
    Certificate,
    CheckinTry,
    Course,
    CourseSession,
    Enrolment,
)
from storage.models.people import Person, RoleGrant
from storage.models.volunteers import Volunteer


@dataclass(frozen=True)
class CheckIn:
    """outcome: marked | already | wrong_code | too_many | no_session | not_enrolled.
    `certificate`: the code of the certificate this check-in completed, if it did."""

    outcome: str
    session_number: int | None = None
    title: str | None = None
    tries_left: int | None = None
    certificate: str | None = None


async def check_in(
    session: AsyncSession, person_id: int, typed: str, locale: str, now: datetime | None = None
) -> CheckIn:
    """Marks the volunteer present at the session of theirs open now if `typed` is its code
    word. A wrong word is counted (in one UPDATE) and after MAX_WRONG_CODES refused outright."""
    now = now or utcnow()
    async with unit_of_work(session):
        volunteer_id = await approved_volunteer(session, person_id)
        open_now = (
            await session.execute(
                select(CourseSession, Course)
                .join(Course, Course.id == CourseSession.course_id)
                .join(Enrolment, Enrolment.course_id == Course.id)
                .where(
                    Enrolment.volunteer_id == volunteer_id,
                    CourseSession.ends_at >= now,
                    CourseSession.starts_at <= now + timedelta(hours=2),
                )
                .order_by(CourseSession.starts_at)
            )
        ).all()
        windows = [
            (s, c)
            for s, c in open_now
            if in_window(now, s.starts_at, s.ends_at, c.checkin_before_minutes)
        ]
        if not windows:
            enrolled = await session.scalar(
                select(func.count())
                .select_from(Enrolment)
                .where(Enrolment.volunteer_id == volunteer_id)
            )
            return CheckIn("no_session" if enrolled else "not_enrolled")
        matching = [(s, c) for s, c in windows if same_code_word(typed, s.code_word)]
        target, course = matching[0] if matching else windows[0]
        title = course_title(course, locale)
        wrong = await _wrong_so_far(session, target.id, volunteer_id)
        if wrong >= MAX_WRONG_CODES:
            return CheckIn("too_many", target.number, title)
        if not matching:
            wrong = await _count_wrong(session, target.id, volunteer_id)
            left = max(0, MAX_WRONG_CODES - wrong)
            return CheckIn("wrong_code" if left else "too_many", target.number, title, left)
        added = await session.execute(
            insert_for(session, Attendance)
            .values(session_id=target.id, volunteer_id=volunteer_id, how="code", marked_at=now)
            .on_conflict_do_nothing()
        )
        if not getattr(added, "rowcount", 0):
            return CheckIn("already", target.number, title)
        code = await _issue_if_complete(session, course, volunteer_id, locale, now)
        return CheckIn("marked", target.number, title, certificate=code)


async def _wrong_so_far(session: AsyncSession, session_id: int, volunteer_id: int) -> int:
    found = await session.scalar(
        select(CheckinTry.wrong).where(
            CheckinTry.session_id == session_id, CheckinTry.volunteer_id == volunteer_id
        )
    )
    return int(found or 0)


async def _count_wrong(session: AsyncSession, session_id: int, volunteer_id: int) -> int:
    """One more wrong word, counted by the database (two at once both count)."""
    await session.execute(
        insert_for(session, CheckinTry)
        .values(session_id=session_id, volunteer_id=volunteer_id, wrong=1)
        .on_conflict_do_update(
            index_elements=["session_id", "volunteer_id"],
            set_={"wrong": CheckinTry.wrong + 1},
        )
    )
    return await _wrong_so_far(session, session_id, volunteer_id)


async def _issue_if_complete(
    session: AsyncSession, course: Course, volunteer_id: int, locale: str, now: datetime
) -> str | None:
    """The certificate, once: the unique (course, volunteer, kind) settles a race."""
    attended = await session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(CourseSession.course_id == course.id, Attendance.volunteer_id == volunteer_id)
    )
    if int(attended or 0) < needed(course.sessions_count, course.complete_after):
        return None
    code = new_certificate_code()
    issued = await session.execute(
        insert_for(session, Certificate)
        .values(
            code=code,
            volunteer_id=volunteer_id,
            course_id=course.id,
            kind="certificate",
            locale=locale,
            issued_at=now,
        )
        .on_conflict_do_nothing(index_elements=["course_id", "volunteer_id", "kind"])
    )
    return code if getattr(issued, "rowcount", 0) else None


# The trainer's side.


async def may_run(session: AsyncSession, person_id: int, course: Course) -> bool:
    """The course's responsible person, an administrator, or the region's coordinator."""
    if course.responsible_person_id == person_id:
        return True
    grants = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
        )
    ).all()
    for role, region_id in grants:
        if role == Role.ADMIN:
            return True
        if role == Role.COORDINATOR and region_id is not None and region_id == course.region_id:
            return True
    return False


async def _course_run_by(session: AsyncSession, person_id: int, session_id: int) -> CourseSession:
    found = (
        await session.execute(
            select(CourseSession, Course)
            .join(Course, Course.id == CourseSession.course_id)
            .where(CourseSession.id == session_id)
        )
    ).first()
    if found is None or not await may_run(session, person_id, found[1]):
        raise CourseProblem("no_course")
    return found[0]


async def set_code_word(
    session: AsyncSession, person_id: int, session_id: int, word: str | None = None
) -> str:
    """The trainer's own word, or four new digits; returns it."""
    chosen = clean_text(word, 40) if word and word.strip() else new_code_word()
    async with unit_of_work(session):
        await _course_run_by(session, person_id, session_id)
        await session.execute(
            update(CourseSession).where(CourseSession.id == session_id).values(code_word=chosen)
        )
    return chosen


async def toggle_mark(
    session: AsyncSession,
    trainer_id: int,
    session_id: int,
    volunteer_id: int,
    now: datetime | None = None,
    locale: str = "kk",
) -> bool:
    """Marks an enrolled volunteer present, or unmarks one; returns whether present now."""
    now = now or utcnow()
    async with unit_of_work(session):
        target = await _course_run_by(session, trainer_id, session_id)
        enrolled = await session.scalar(
            select(Enrolment.id).where(
                Enrolment.course_id == target.course_id, Enrolment.volunteer_id == volunteer_id
            )
        )
        if enrolled is None:
            raise CourseProblem("not_enrolled")
        removed = await session.execute(
            delete(Attendance).where(
                Attendance.session_id == session_id, Attendance.volunteer_id == volunteer_id
            )
        )
        if getattr(removed, "rowcount", 0):
            return False
        await session.execute(
            insert_for(session, Attendance)
            .values(
                session_id=session_id,
                volunteer_id=volunteer_id,
                how="trainer",
                marked_by_id=trainer_id,
                marked_at=now,
            )
            .on_conflict_do_nothing()
        )
        course = await session.get(Course, target.course_id)
        assert course is not None
        volunteer_locale = await session.scalar(
            select(Person.locale)
            .join(Volunteer, Volunteer.person_id == Person.id)
            .where(Volunteer.id == volunteer_id)
        )
        await _issue_if_complete(session, course, volunteer_id, volunteer_locale or locale, now)
        return True


@dataclass(frozen=True)
class Present:
    volunteer_id: int
    name: str
    present: bool


async def roll_call(session: AsyncSession, trainer_id: int, session_id: int) -> list[Present]:
    """Every enrolled volunteer of the session's course, present or not, by name."""
    async with reading(session):
        target = await _course_run_by(session, trainer_id, session_id)
        rows = await session.execute(
            select(Volunteer.id, Person.full_name, Attendance.id)
            .join(Enrolment, Enrolment.volunteer_id == Volunteer.id)
            .join(Person, Person.id == Volunteer.person_id)
            .outerjoin(
                Attendance,
                (Attendance.volunteer_id == Volunteer.id) & (Attendance.session_id == session_id),
            )
            .where(Enrolment.course_id == target.course_id)
            .order_by(Person.full_name, Volunteer.id)
        )
        return [Present(v, name, a is not None) for v, name, a in rows.all()]


@dataclass(frozen=True)
class Attended:
    title: str
    number: int
    starts_at: datetime
    how: str


async def attendance_history(session: AsyncSession, person_id: int, locale: str) -> list[Attended]:
    async with reading(session):
        rows = await session.execute(
            select(Course, CourseSession.number, CourseSession.starts_at, Attendance.how)
            .join(CourseSession, CourseSession.id == Attendance.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .join(Volunteer, Volunteer.id == Attendance.volunteer_id)
            .where(Volunteer.person_id == person_id)
            .order_by(CourseSession.starts_at)
        )
        return [Attended(course_title(c, locale), n, at, how) for c, n, at, how in rows.all()]


@dataclass(frozen=True)
class TrainerSession:
    session_id: int
    title: str
    number: int
    starts_at: datetime


async def trainer_sessions(
    session: AsyncSession, person_id: int, locale: str, now: datetime | None = None
) -> list[TrainerSession]:
    """Sessions of the courses the person runs, from yesterday on, soonest first."""
    now = now or utcnow()
    async with reading(session):
        grants = (
            await session.execute(
                select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
            )
        ).all()
        admin = any(role == Role.ADMIN for role, _ in grants)
        regions = [r for role, r in grants if role == Role.COORDINATOR and r is not None]
        statement = (
            select(CourseSession.id, CourseSession.number, CourseSession.starts_at, Course)
            .join(Course, Course.id == CourseSession.course_id)
            .where(CourseSession.ends_at >= now - timedelta(days=1))
            .order_by(CourseSession.starts_at, CourseSession.id)
            .limit(90)
        )
        if not admin:
            statement = statement.where(
                (Course.responsible_person_id == person_id) | Course.region_id.in_(regions)
            )
        rows = (await session.execute(statement)).all()
        return [TrainerSession(sid, course_title(c, locale), n, at) for sid, n, at, c in rows]


@dataclass(frozen=True)
class SessionSheet:
    """A session as its trainer sees it: the code word (made up when there was none) and
    who is present."""

    session_id: int
    title: str
    number: int
    starts_at: datetime
    code_word: str
    present: list[Present]


async def session_sheet(
    session: AsyncSession, trainer_id: int, session_id: int, locale: str
) -> SessionSheet:
    async with unit_of_work(session):
        target = await _course_run_by(session, trainer_id, session_id)
        if not target.code_word:
            # Only where still empty: two trainers opening it at once agree on one word.
            await session.execute(
                update(CourseSession)
                .where(CourseSession.id == session_id, CourseSession.code_word.is_(None))
                .values(code_word=new_code_word())
                .execution_options(synchronize_session=False)
            )
        await session.refresh(target)
        course = await session.get(Course, target.course_id)
        assert course is not None and target.code_word is not None
        title, number, starts, word = (
            course_title(course, locale),
            target.number,
            target.starts_at,
            target.code_word,
        )
    present = await roll_call(session, trainer_id, session_id)
    return SessionSheet(session_id, title, number, starts, word, present)
