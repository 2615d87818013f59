"""Demo recognition (services/demo.py calls this after the courses' demo): the demo volunteer
holds a regional letter of gratitude of the Karaganda region for the season just past, code
THANKS2026, awarded by the Karaganda coordinator; three more approved Karaganda volunteers
attended some of the finished course's sessions, so the coordinator's /awards ranks four.
Loading twice adds nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.rules import REGIONAL, award_season, local_day
from services.channels import Channel
from services.consent import consent_for, record_consent
from services.courses.demo import COORDINATOR_TELEGRAM_ID, FINISHED, VOLUNTEER_TELEGRAM_ID
from services.roles import Role, Scope
from storage.changes import people_changed
from storage.dialect import insert_for
from storage.models.awards import Award
from storage.models.courses import Attendance, Course, CourseSession
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person, RoleGrant
from storage.models.volunteers import Volunteer

# (Telegram id, name, language, sessions of the finished course attended)
OTHERS = (
    (900000201, "Ерлан Сапаров", "kk", 4),
    (900000202, "Мария Ковалёва", "ru", 2),
    (900000203, "Дана Әбілқызы", "kk", 0),
)

DEMO_LETTER_CODE = "THANKS2026"


async def load_award_demo(session: AsyncSession, now: datetime) -> None:
    """Inside the demo's own transaction: flushes, never commits."""
    region_id = await session.scalar(select(Region.id).where(Region.code == "karaganda"))
    volunteer = await session.scalar(
        select(Volunteer.id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Volunteer.person_id)
        .where(
            ChannelIdentity.channel == "telegram",
            ChannelIdentity.external_id == VOLUNTEER_TELEGRAM_ID,
        )
    )
    coordinator = await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == "telegram",
            ChannelIdentity.external_id == COORDINATOR_TELEGRAM_ID,
        )
    )
    if region_id is None or volunteer is None:
        return
    for telegram_id, name, locale, attended in OTHERS:
        await _active_volunteer(session, region_id, telegram_id, name, locale, attended)
    await session.execute(
        insert_for(session, Award)
        .values(
            code=DEMO_LETTER_CODE,
            season=award_season(local_day(now)),
            level=REGIONAL,
            region_id=region_id,
            volunteer_id=volunteer,
            reason="Жазғы лагерьдегі белсенді жұмысы үшін",
            awarded_by_id=coordinator,
            locale="kk",
        )
        .on_conflict_do_nothing()
    )


async def _active_volunteer(
    session: AsyncSession, region_id: int, telegram_id: int, name: str, locale: str, attended: int
) -> None:
    found = await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == Channel.TELEGRAM,
            ChannelIdentity.external_id == str(telegram_id),
        )
    )
    if found is not None:
        return
    person = Person(full_name=name, locale=locale)
    person.identities.append(
        ChannelIdentity(channel=Channel.TELEGRAM, external_id=str(telegram_id))
    )
    session.add(person)
    await session.flush()
    await record_consent(session, person.id, consent_for(locale))
    session.add(RoleGrant(person_id=person.id, role=Role.VOLUNTEER, scope_key=Scope().key))
    people_changed(session, persons=[person.id])
    volunteer = Volunteer(person_id=person.id, region_id=region_id, status="approved")
    session.add(volunteer)
    await session.flush()
    sessions = await session.scalars(
        select(CourseSession.id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(Course.title == FINISHED)
        .order_by(CourseSession.number)
        .limit(attended)
    )
    for session_id in sessions.all():
        session.add(Attendance(session_id=session_id, volunteer_id=volunteer.id, how="trainer"))
