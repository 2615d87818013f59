"""Demo courses (services/demo.py calls this last): a mastery course running now in the
Karaganda region, the demo volunteer on it with two sessions attended and today's session's
code word 1234; and a finished mentorship course with their certificate, code DEMO2026.
Everything is looked up by natural keys first, so loading twice adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.courses import NewCourse, add_course
from storage.dialect import insert_for
from storage.models.courses import Attendance, Certificate, Course, CourseSession, Enrolment
from storage.models.org import Region
from storage.models.people import ChannelIdentity
from storage.models.volunteers import Volunteer

VOLUNTEER_TELEGRAM_ID = "900000005"  # the demo volunteer persona
COORDINATOR_TELEGRAM_ID = "900000006"
RUNNING = "Мастерство вожатого: игра и безопасность"
FINISHED = "Основы наставничества"
CERTIFICATE_CODE = "DEMO2026"
TODAYS_CODE_WORD = "1234"
ORGANISATION = "Қарағанды облысының көшбасшылар орталығы"


async def load_course_demo(session: AsyncSession, now: datetime) -> None:
    """Inside the demo's own transaction: flushes, never commits."""
    region_id = await session.scalar(select(Region.id).where(Region.code == "karaganda"))
    volunteer_person = await _person_of(session, VOLUNTEER_TELEGRAM_ID)
    if region_id is None or volunteer_person is None:
        return
    trainer = await _person_of(session, COORDINATOR_TELEGRAM_ID)
    volunteer_id = await _approved_volunteer(session, volunteer_person, region_id)
    today = now.astimezone(ZoneInfo("Asia/Almaty")).date()

    running = await _course(
        session,
        NewCourse(
            title=RUNNING,
            title_kk="Көшбасшы шеберлігі: ойын және қауіпсіздік",
            title_ru=RUNNING,
            title_en="Camp leader mastery: games and safety",
            responsible_name="Айгүл Серікова",
            responsible_org=ORGANISATION,
            responsible_person_id=trainer,
            conference_url="https://meet.jit.si/qamqor-karaganda-mastery",
            sessions=[_at(today + timedelta(days=n)) for n in range(-2, 3)],
            region_id=region_id,
            seat_limit=200,
        ),
    )
    finished = await _course(
        session,
        NewCourse(
            title=FINISHED,
            kind="mentorship",
            title_kk="Тәлімгерлік негіздері",
            title_ru=FINISHED,
            title_en="Mentorship basics",
            responsible_name="Дмитрий Петров",
            responsible_org=ORGANISATION,
            responsible_person_id=trainer,
            conference_url="https://meet.jit.si/qamqor-karaganda-mentors",
            sessions=[_at(today - timedelta(days=40 - 7 * n)) for n in range(5)],
            region_id=region_id,
            status="finished",
        ),
    )
    for course_id in (running, finished):
        await session.execute(
            insert_for(session, Enrolment)
            .values(course_id=course_id, volunteer_id=volunteer_id, source="assigned")
            .on_conflict_do_nothing()
        )
    sessions = (
        await session.execute(
            select(CourseSession.id, CourseSession.course_id, CourseSession.number)
            .where(CourseSession.course_id.in_((running, finished)))
            .order_by(CourseSession.id)
        )
    ).all()
    for session_id, course_id, number in sessions:
        if course_id == running and number == 3:
            await session.execute(
                update(CourseSession)
                .where(CourseSession.id == session_id, CourseSession.code_word.is_(None))
                .values(code_word=TODAYS_CODE_WORD)
            )
        if course_id == finished or number <= 2:
            await session.execute(
                insert_for(session, Attendance)
                .values(session_id=session_id, volunteer_id=volunteer_id, how="trainer")
                .on_conflict_do_nothing()
            )
    await session.execute(
        insert_for(session, Certificate)
        .values(
            code=CERTIFICATE_CODE,
            volunteer_id=volunteer_id,
            course_id=finished,
            kind="certificate",
            locale="kk",
        )
        .on_conflict_do_nothing()
    )


def _at(day: date) -> tuple[datetime, datetime]:
    """18:00-20:00 in Almaty (UTC+5)."""
    starts = datetime.combine(day, time(13), tzinfo=UTC)
    return starts, starts + timedelta(hours=2)


async def _person_of(session: AsyncSession, telegram_id: str) -> int | None:
    return await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == "telegram", ChannelIdentity.external_id == telegram_id
        )
    )


async def _approved_volunteer(session: AsyncSession, person_id: int, region_id: int) -> int:
    """The persona's Volunteer row (another feature's demo may have made it), else a new one."""
    found = await session.scalar(select(Volunteer.id).where(Volunteer.person_id == person_id))
    if found is not None:
        return found
    volunteer = Volunteer(person_id=person_id, region_id=region_id, status="approved")
    session.add(volunteer)
    await session.flush()
    return volunteer.id


async def _course(session: AsyncSession, new: NewCourse) -> int:
    found = await session.scalar(select(Course.id).where(Course.title == new.title))
    return found if found is not None else await add_course(session, new)
