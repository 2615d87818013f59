"""Courses made in the chat by an administrator (any region, or republic-wide) or a region's
coordinator (their region): the course, its sessions, and the region's approved volunteers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.courses import APPROVED, CourseProblem, NewCourse, add_course, enrol_selected
from services.courses.rules import is_conference_url
from services.invites.directory import Named, region_name
from services.names import sort_key
from services.roles import Role
from services.uow import reading, unit_of_work
from storage.models.org import Region
from storage.models.people import Person, RoleGrant
from storage.models.volunteers import Volunteer


async def _may_create_in(session: AsyncSession, person_id: int) -> tuple[bool, set[int]]:
    """(administrator, regions coordinated)."""
    grants = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
        )
    ).all()
    admin = any(role == Role.ADMIN for role, _ in grants)
    regions = {r for role, r in grants if role == Role.COORDINATOR and r is not None}
    return admin, regions


async def creatable_regions(session: AsyncSession, person_id: int, locale: str) -> list[Named]:
    """Regions the person may make a course in, named and ordered in the reader's alphabet."""
    async with reading(session):
        admin, coordinated = await _may_create_in(session, person_id)
        query = select(Region)
        if not admin:
            query = query.where(Region.id.in_(coordinated))
        named = [Named(r.id, region_name(r, locale)) for r in await session.scalars(query)]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


@dataclass(frozen=True)
class Draft:
    title: str
    kind: str
    region_id: int | None  # None: republic-wide (administrators only)
    url: str
    sessions: list[tuple[datetime, datetime]]


async def create_from_chat(
    session: AsyncSession, person_id: int, draft: Draft, locale: str
) -> tuple[int, int]:
    """The course with its creator as trainer, and the region's approved volunteers on it:
    (course id, volunteers enrolled). Refused (no_course) where the person may not."""
    if not is_conference_url(draft.url):
        raise CourseProblem("bad_url")
    if not draft.sessions:
        raise CourseProblem("no_sessions")
    async with unit_of_work(session):
        admin, coordinated = await _may_create_in(session, person_id)
        allowed = admin or (draft.region_id is not None and draft.region_id in coordinated)
        creator = await session.get(Person, person_id)
        if not allowed or creator is None:
            raise CourseProblem("no_course")
        region = await session.get(Region, draft.region_id) if draft.region_id else None
        course_id = await add_course(
            session,
            NewCourse(
                title=draft.title,
                kind=draft.kind,
                region_id=draft.region_id,
                responsible_name=creator.full_name,
                responsible_org=region_name(region, locale) if region else "Qamqor",
                responsible_person_id=person_id,
                conference_url=draft.url,
                sessions=draft.sessions,
            ),
        )
        enrolled = 0
        if draft.region_id is not None:
            chosen = select(Volunteer.id).where(
                Volunteer.region_id == draft.region_id, Volunteer.status == APPROVED
            )
            enrolled = await enrol_selected(session, course_id, chosen)
    return course_id, enrolled
