"""The suggested ranking: a region's (or the republic's) approved volunteers scored from their
recorded activity, computed with aggregates in one query whatever the number of people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.rules import Activity, Score, activity_since, score
from services.uow import reading
from storage.models.awards import Award
from storage.models.courses import Attendance, Certificate, CourseSession
from storage.models.people import Person
from storage.models.volunteers import Squad, SquadSchool, Volunteer

APPROVED = "approved"


@dataclass(frozen=True)
class Ranked:
    volunteer_id: int
    full_name: str
    score: Score
    awarded: bool  # a letter of this level and season already


async def ranking(
    session: AsyncSession, season: int, level: str, region_id: int | None
) -> list[Ranked]:
    """Highest score first, then by name; `region_id` None: the whole republic."""
    since = activity_since(season)
    sessions = (
        select(Attendance.volunteer_id, func.count().label("n"))
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(CourseSession.starts_at >= since)
        .group_by(Attendance.volunteer_id)
        .subquery()
    )
    courses = (
        select(Certificate.volunteer_id, func.count().label("n"))
        .where(Certificate.kind == "certificate", Certificate.issued_at >= since)
        .group_by(Certificate.volunteer_id)
        .subquery()
    )
    leads = exists().where(Squad.leader_id == Volunteer.person_id)
    at_school = exists().where(SquadSchool.squad_id == Volunteer.squad_id)
    awarded = exists().where(
        Award.volunteer_id == Volunteer.id, Award.season == season, Award.level == level
    )
    query = (
        select(
            Volunteer.id,
            Person.full_name,
            func.coalesce(sessions.c.n, literal(0)),
            func.coalesce(courses.c.n, literal(0)),
            leads,
            at_school,
            awarded,
        )
        .join(Person, Person.id == Volunteer.person_id)
        .outerjoin(sessions, sessions.c.volunteer_id == Volunteer.id)
        .outerjoin(courses, courses.c.volunteer_id == Volunteer.id)
        .where(Volunteer.status == APPROVED)
    )
    if region_id is not None:
        query = query.where(and_(Volunteer.region_id == region_id))
    async with reading(session):
        rows = (await session.execute(query)).all()
    found = [
        Ranked(
            volunteer_id,
            name or "",
            score(Activity(int(n_sessions), int(n_courses), bool(lead), bool(school))),
            bool(done),
        )
        for volunteer_id, name, n_sessions, n_courses, lead, school, done in rows
    ]
    return sorted(found, key=lambda r: (-r.score.total, r.full_name, r.volunteer_id))
