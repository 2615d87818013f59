"""What a volunteer sees of their application or profile, and what reviewers list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.invites.directory import region_name
from services.roles import Role
from services.uow import reading, unit_of_work
from services.volunteers.applications import AlreadyDecided, Card, card_of, may_review
from services.volunteers.rules import Status
from storage.models.org import Region
from storage.models.people import Person, RoleGrant
from storage.models.volunteers import Centre, Institution, Squad, Volunteer


@dataclass(frozen=True)
class Profile:
    status: Status
    full_name: str
    phone: str | None
    birth_date: date | None
    region_id: int | None
    region: str | None
    institution_id: int | None
    institution: str | None
    squad: str | None
    reject_reason: str | None
    parent_code: str | None
    links: dict[str, str]  # work_plan, vk, instagram, facebook, youtube: those set


async def profile_of(session: AsyncSession, person_id: int, locale: str) -> Profile | None:
    async with reading(session):
        row = (
            await session.execute(
                select(Volunteer, Person.full_name, Person.phone)
                .join(Person, Person.id == Volunteer.person_id)
                .where(Volunteer.person_id == person_id)
            )
        ).one_or_none()
        if row is None:
            return None
        volunteer, full_name, phone = row
        region = await session.get(Region, volunteer.region_id) if volunteer.region_id else None
        institution = (
            await session.get(Institution, volunteer.institution_id)
            if volunteer.institution_id
            else None
        )
        squad = await session.get(Squad, volunteer.squad_id) if volunteer.squad_id else None
        centre = (
            await session.scalar(select(Centre).where(Centre.region_id == volunteer.region_id))
            if volunteer.region_id
            else None
        )
        links: dict[str, str] = {}
        if centre is not None:
            for key in ("work_plan", "vk", "instagram", "facebook", "youtube"):
                if url := getattr(centre, f"{key}_url"):
                    links[key] = url
        return Profile(
            status=Status(volunteer.status),
            full_name=full_name,
            phone=phone,
            birth_date=volunteer.birth_date,
            region_id=volunteer.region_id,
            region=region_name(region, locale) if region else None,
            institution_id=volunteer.institution_id,
            institution=institution.name if institution else None,
            squad=squad.name if squad else None,
            reject_reason=volunteer.reject_reason,
            parent_code=volunteer.parent_code,
            links=links,
        )


@dataclass(frozen=True)
class Pending:
    volunteer_id: int
    full_name: str
    region: str


async def pending_for(session: AsyncSession, person_id: int, locale: str) -> list[Pending]:
    """Pending applications of the reviewer's regions (an administrator: all), oldest first."""
    async with reading(session):
        grants = (
            await session.execute(
                select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
            )
        ).all()
        admin = any(role == Role.ADMIN for role, _ in grants)
        regions = {region for role, region in grants if role == Role.COORDINATOR and region}
        query = (
            select(Volunteer.id, Person.full_name, Region)
            .join(Person, Person.id == Volunteer.person_id)
            .join(Region, Region.id == Volunteer.region_id)
            .where(Volunteer.status == Status.PENDING)
            .order_by(Volunteer.submitted_at, Volunteer.id)
        )
        if not admin:
            query = query.where(Volunteer.region_id.in_(regions))
        rows = (await session.execute(query)).all()
        return [Pending(id_, name, region_name(region, locale)) for id_, name, region in rows]


async def card_for(
    session: AsyncSession, person_id: int, volunteer_id: int, locale: str
) -> Card | None:
    """The card, if the reviewer may see it and it still waits; else None (nothing to tell
    apart: another region's application looks like a decided one)."""
    async with reading(session):
        region_id = await session.scalar(
            select(Volunteer.region_id).where(
                Volunteer.id == volunteer_id, Volunteer.status == Status.PENDING
            )
        )
        if region_id is None or not await may_review(session, person_id, region_id):
            return None
        return await card_of(session, volunteer_id, locale)


@dataclass(frozen=True)
class Proposed:
    """An institution a volunteer typed in, waiting for the coordinator's confirmation."""

    institution_id: int
    name: str
    region: str


async def _reviewed_regions(session: AsyncSession, person_id: int) -> tuple[bool, set[int]]:
    grants = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
        )
    ).all()
    admin = any(role == Role.ADMIN for role, _ in grants)
    return admin, {region for role, region in grants if role == Role.COORDINATOR and region}


async def proposed_for(session: AsyncSession, person_id: int, locale: str) -> list[Proposed]:
    """Unconfirmed institutions of the reviewer's regions (an administrator: all)."""
    async with reading(session):
        admin, regions = await _reviewed_regions(session, person_id)
        query = (
            select(Institution.id, Institution.name, Region)
            .join(Region, Region.id == Institution.region_id)
            .where(Institution.confirmed.is_(False))
            .order_by(Institution.created_at, Institution.id)
        )
        if not admin:
            query = query.where(Institution.region_id.in_(regions))
        rows = (await session.execute(query)).all()
        return [Proposed(id_, name, region_name(region, locale)) for id_, name, region in rows]


async def confirm_institution(session: AsyncSession, person_id: int, institution_id: int) -> str:
    """Confirms it (one UPDATE: a second confirmation, or another region's coordinator, gets
    AlreadyDecided); its name."""
    async with unit_of_work(session):
        admin, regions = await _reviewed_regions(session, person_id)
        statement = update(Institution).where(
            Institution.id == institution_id, Institution.confirmed.is_(False)
        )
        if not admin:
            statement = statement.where(Institution.region_id.in_(regions))
        confirmed = (
            await session.execute(statement.values(confirmed=True).returning(Institution.name))
        ).one_or_none()
        if confirmed is None:
            raise AlreadyDecided()
        return str(confirmed[0])
