"""Courses: creation with their sessions, enrolment by role and region, self sign-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.rules import is_conference_url
from services.errors import DomainError
from services.names import localized
from services.text import clean_text
from services.uow import reading, unit_of_work
from storage.base import UTCDateTime, utcnow
from storage.dialect import insert_for
from storage.models.courses import Attendance, Course, CourseSession, Enrolment
from storage.models.volunteers import Squad, Volunteer

APPROVED = "approved"


class CourseProblem(DomainError):
    """reason: bad_url | no_sessions | not_volunteer | no_course | closed | full | already"""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NewCourse:
    title: str
    responsible_name: str
    responsible_org: str
    conference_url: str
    sessions: Sequence[tuple[datetime, datetime]]  # (start, end) in UTC
    kind: str = "mastery"
    region_id: int | None = None
    responsible_person_id: int | None = None
    title_kk: str | None = None
    title_ru: str | None = None
    title_en: str | None = None
    seat_limit: int | None = None
    complete_after: int | None = None
    status: str = "open"


async def create_course(session: AsyncSession, new: NewCourse) -> int:
    """The course and its sessions numbered in time order; returns its id."""
    if not is_conference_url(new.conference_url):
        raise CourseProblem("bad_url")
    if not new.sessions:
        raise CourseProblem("no_sessions")
    async with unit_of_work(session):
        return await add_course(session, new)


async def add_course(session: AsyncSession, new: NewCourse) -> int:
    """create_course inside the caller's transaction (demo data)."""
    course = Course(
        kind=new.kind,
        title=clean_text(new.title, 200),
        title_kk=new.title_kk,
        title_ru=new.title_ru,
        title_en=new.title_en,
        region_id=new.region_id,
        responsible_name=clean_text(new.responsible_name, 200),
        responsible_org=clean_text(new.responsible_org, 200),
        responsible_person_id=new.responsible_person_id,
        conference_url=new.conference_url.strip(),
        seat_limit=new.seat_limit,
        seats_taken=0,
        sessions_count=len(new.sessions),
        complete_after=new.complete_after,
        status=new.status,
    )
    session.add(course)
    await session.flush()
    for number, (starts, ends) in enumerate(sorted(new.sessions), start=1):
        session.add(
            CourseSession(course_id=course.id, number=number, starts_at=starts, ends_at=ends)
        )
    await session.flush()
    return course.id


async def enrol_region(session: AsyncSession, course_id: int, region_id: int) -> int:
    """Every approved volunteer of the region, in one INSERT ... SELECT; how many were added."""
    chosen = select(Volunteer.id).where(
        Volunteer.region_id == region_id, Volunteer.status == APPROVED
    )
    async with unit_of_work(session):
        return await enrol_selected(session, course_id, chosen)


async def enrol_squad_leaders(session: AsyncSession, course_id: int, region_id: int) -> int:
    """The approved volunteers of the region who lead a squad."""
    chosen = select(Volunteer.id).where(
        Volunteer.region_id == region_id,
        Volunteer.status == APPROVED,
        exists().where(Squad.leader_id == Volunteer.person_id),
    )
    async with unit_of_work(session):
        return await enrol_selected(session, course_id, chosen)


async def enrol_selected(session: AsyncSession, course_id: int, chosen: object) -> int:
    volunteers = chosen.add_columns(  # type: ignore[attr-defined]
        literal(course_id), literal("assigned"), literal(utcnow(), UTCDateTime())
    ).where(
        ~exists().where(Enrolment.course_id == course_id, Enrolment.volunteer_id == Volunteer.id)
    )
    result = await session.execute(
        insert_for(session, Enrolment)
        .from_select(["volunteer_id", "course_id", "source", "created_at"], volunteers)
        .on_conflict_do_nothing()
    )
    added = int(getattr(result, "rowcount", 0) or 0)
    await session.execute(
        update(Course).where(Course.id == course_id).values(seats_taken=Course.seats_taken + added)
    )
    return added


async def sign_up(session: AsyncSession, person_id: int, course_id: int) -> None:
    """Self sign-up to an open course: the seat is taken by one conditional UPDATE, so of many
    racing for the last seat exactly one gets it."""
    async with unit_of_work(session):
        volunteer_id = await approved_volunteer(session, person_id)
        course = await session.get(Course, course_id)
        if course is None:
            raise CourseProblem("no_course")
        if course.status != "open":
            raise CourseProblem("closed")
        added = await session.execute(
            insert_for(session, Enrolment)
            .values(course_id=course_id, volunteer_id=volunteer_id, source="self")
            .on_conflict_do_nothing()
        )
        if not getattr(added, "rowcount", 0):
            raise CourseProblem("already")
        taken = await session.execute(
            update(Course)
            .where(
                Course.id == course_id,
                or_(Course.seat_limit.is_(None), Course.seats_taken < Course.seat_limit),
            )
            .values(seats_taken=Course.seats_taken + 1)
            .execution_options(synchronize_session=False)
        )
        if not getattr(taken, "rowcount", 0):
            raise CourseProblem("full")  # the unit of work rolls the enrolment back


async def approved_volunteer(session: AsyncSession, person_id: int) -> int:
    found = await session.scalar(
        select(Volunteer.id).where(Volunteer.person_id == person_id, Volunteer.status == APPROVED)
    )
    if found is None:
        raise CourseProblem("not_volunteer")
    return found


@dataclass(frozen=True)
class MyCourse:
    course_id: int
    title: str
    url: str
    sessions_count: int
    attended: int
    next_starts_at: datetime | None
    next_number: int | None


async def my_courses(
    session: AsyncSession, person_id: int, locale: str, now: datetime | None = None
) -> list[MyCourse]:
    """The volunteer's courses: the next session (or the one running now) and attendance."""
    now = now or utcnow()
    async with reading(session):
        volunteer_id = await session.scalar(
            select(Volunteer.id).where(Volunteer.person_id == person_id)
        )
        if volunteer_id is None:
            return []
        courses = (
            await session.scalars(
                select(Course)
                .join(Enrolment, Enrolment.course_id == Course.id)
                .where(Enrolment.volunteer_id == volunteer_id)
                .order_by(Course.id)
            )
        ).all()
        found = []
        for course in courses:
            attended = await session.scalar(
                select(func.count())
                .select_from(Attendance)
                .join(CourseSession, CourseSession.id == Attendance.session_id)
                .where(
                    CourseSession.course_id == course.id, Attendance.volunteer_id == volunteer_id
                )
            )
            upcoming = (
                await session.execute(
                    select(CourseSession.starts_at, CourseSession.number)
                    .where(CourseSession.course_id == course.id, CourseSession.ends_at >= now)
                    .order_by(CourseSession.starts_at)
                    .limit(1)
                )
            ).first()
            found.append(
                MyCourse(
                    course.id,
                    course_title(course, locale),
                    course.conference_url,
                    course.sessions_count,
                    int(attended or 0),
                    upcoming[0] if upcoming else None,
                    upcoming[1] if upcoming else None,
                )
            )
        return found


@dataclass(frozen=True)
class OpenCourse:
    course_id: int
    title: str
    seats_left: int | None


async def open_courses(
    session: AsyncSession, person_id: int, locale: str, now: datetime | None = None
) -> list[OpenCourse]:
    """Open courses of the volunteer's region (or republic-wide) with a seat left, not yet
    joined and not over."""
    now = now or utcnow()
    async with reading(session):
        volunteer = (
            await session.execute(
                select(Volunteer.id, Volunteer.region_id).where(
                    Volunteer.person_id == person_id, Volunteer.status == APPROVED
                )
            )
        ).first()
        if volunteer is None:
            return []
        volunteer_id, region_id = volunteer
        rows = await session.scalars(
            select(Course)
            .where(
                Course.status == "open",
                or_(Course.region_id.is_(None), Course.region_id == region_id),
                or_(Course.seat_limit.is_(None), Course.seats_taken < Course.seat_limit),
                ~exists().where(
                    and_(Enrolment.course_id == Course.id, Enrolment.volunteer_id == volunteer_id)
                ),
                exists().where(
                    and_(CourseSession.course_id == Course.id, CourseSession.ends_at >= now)
                ),
            )
            .order_by(Course.id)
            .limit(50)
        )
        return [
            OpenCourse(
                c.id,
                course_title(c, locale),
                None if c.seat_limit is None else c.seat_limit - c.seats_taken,
            )
            for c in rows.all()
        ]


def course_title(course: Course, locale: str) -> str:
    return localized(locale, course.title, course.title_kk, course.title_ru, course.title_en)
