"""Reminders of course sessions, derived by the tick: the day before and 15 minutes before."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.courses import APPROVED
from services.hooks import Due
from services.names import localized
from storage.models.courses import Course, CourseSession, Enrolment
from storage.models.people import ChannelIdentity, Person
from storage.models.volunteers import Volunteer

DAY_BEFORE = "course_day_before"
SOON = "course_soon"
# kind -> how long before the session's start it is due
LEADS = {DAY_BEFORE: timedelta(days=1), SOON: timedelta(minutes=15)}


def due_statement(start: datetime, end: datetime, lead: timedelta) -> Any:
    """Sessions starting in (start + lead, end + lead], read through ix_course_session_starts_at,
    and each enrolled approved volunteer's accounts: the cost follows what is due."""
    return (
        select(
            CourseSession.id,
            CourseSession.number,
            CourseSession.starts_at,
            Course.title,
            Course.title_kk,
            Course.title_ru,
            Course.title_en,
            Course.conference_url,
            Volunteer.id,
            ChannelIdentity.id,
            Person.locale,
        )
        .join(Course, Course.id == CourseSession.course_id)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .join(Volunteer, Volunteer.id == Enrolment.volunteer_id)
        .join(Person, Person.id == Volunteer.person_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(
            CourseSession.starts_at > start + lead,
            CourseSession.starts_at <= end + lead,
            Volunteer.status == APPROVED,
        )
    )


async def sessions_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
    """What the tick queues: one reminder per volunteer, session and kind (the dedup key names
    the person's volunteer row, so two accounts of one person get one message)."""
    found: list[Due] = []
    for kind, lead in LEADS.items():
        rows = await session.execute(due_statement(start, end, lead))
        for sid, number, at, title, kk, ru, en, url, volunteer, identity, locale in rows.all():
            found.append(
                Due(
                    identity,
                    locale,
                    kind,
                    f"{kind}:{sid}:{volunteer}",
                    {
                        "title": localized(locale, title, kk, ru, en),
                        "number": number,
                        "at": at,
                        "url": url,
                    },
                    priority=1 if kind == SOON else 0,
                )
            )
    return found
