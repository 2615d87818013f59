"""Builders for course tests: approved volunteers (made directly, not through the volunteer
registration conversation) and a course of five sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from services.courses.courses import NewCourse, create_course, enrol_region
from services.roles import Role
from services.uow import reading
from storage.models.courses import CourseSession
from storage.models.org import Region
from storage.models.volunteers import Volunteer
from tests.builders import registered
from tests.conftest import ChatUser

URL = "https://meet.example.kz/vozhatyi-1"
TITLE_KK = "Көшбасшы шеберлігі: ойын және қауіпсіздік"
TITLE_RU = "Мастерство вожатого: игра и безопасность"
TITLE_EN = "Camp leader mastery: games and safety"


async def region_id(session: AsyncSession, code: str = "karaganda") -> int:
    found = await session.scalar(select(Region.id).where(Region.code == code))
    assert found is not None
    return found


async def approve(app: App, person_id: int, region: str = "karaganda") -> int:
    """An approved Volunteer row for the person; its id."""
    async with app.session_factory() as session:
        volunteer = Volunteer(
            person_id=person_id, region_id=await region_id(session, region), status="approved"
        )
        session.add(volunteer)
        await session.commit()
        return volunteer.id


async def approved_volunteer(
    app: App, user: ChatUser, locale: str = "en", region: str = "karaganda"
) -> tuple[int, int]:
    """(person id, volunteer id) of a chat user registered as an approved volunteer."""
    person_id = await registered(app, user, Role.VOLUNTEER, locale=locale)
    return person_id, await approve(app, person_id, region)


def five_sessions(first: datetime, hours: int = 2) -> list[tuple[datetime, datetime]]:
    return [(first + timedelta(days=n), first + timedelta(days=n, hours=hours)) for n in range(5)]


async def course_in(
    app: App,
    first: datetime,
    *,
    trainer_id: int | None = None,
    seat_limit: int | None = None,
    enrol: bool = True,
    region: str = "karaganda",
) -> int:
    """A mastery course of five two-hour sessions a day apart, its region's volunteers on it."""
    async with app.session_factory() as session:
        rid = await region_id(session, region)
        course_id = await create_course(
            session,
            NewCourse(
                title=TITLE_RU,
                title_kk=TITLE_KK,
                title_ru=TITLE_RU,
                title_en=TITLE_EN,
                responsible_name="Айгүл Серікова",
                responsible_org="Қарағанды облысының көшбасшылар орталығы",
                responsible_person_id=trainer_id,
                conference_url=URL,
                sessions=five_sessions(first),
                region_id=rid,
                seat_limit=seat_limit,
            ),
        )
        if enrol:
            await enrol_region(session, course_id, rid)
    return course_id


async def session_ids(app: App, course_id: int) -> list[int]:
    async with app.session_factory() as session, reading(session):
        rows = await session.scalars(
            select(CourseSession.id)
            .where(CourseSession.course_id == course_id)
            .order_by(CourseSession.number)
        )
        return list(rows.all())
