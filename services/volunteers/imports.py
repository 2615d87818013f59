"""Bulk import of institutions, squads, schools and attachments by a coordinator (their
region) or an administrator (any): every row is checked first, and everything is stored in
one transaction, or nothing (rules: import_rules.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.roles import Role
from services.uow import reading, unit_of_work
from services.volunteers.import_rules import (
    ImportRejected,
    Known,
    Plan,
    Problem,
    check,
    read_file,
)
from storage.models.org import Region
from storage.models.people import RoleGrant
from storage.models.volunteers import Institution, School, Squad, SquadSchool

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Summary:
    """Per sheet: rows added, rows that changed what was stored."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


async def may_import(session: AsyncSession, person_id: int) -> bool:
    async with reading(session):
        return await allowed_regions(session, person_id) != frozenset()


async def allowed_regions(session: AsyncSession, person_id: int) -> frozenset[int] | None:
    """None: an administrator (any region); else the regions the person coordinates."""
    grants = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
        )
    ).all()
    if any(role == Role.ADMIN for role, _ in grants):
        return None
    return frozenset(r for role, r in grants if role == Role.COORDINATOR and r is not None)


async def import_directory(
    session: AsyncSession, person_id: int, filename: str, content: bytes, today: date
) -> Summary:
    """Stores the file's rows, or raises ImportRejected (with every problem) storing nothing."""
    tables = read_file(filename, content)
    async with unit_of_work(session):
        allowed = await allowed_regions(session, person_id)
        if allowed == frozenset():
            raise ImportRejected([Problem("", 0, "", "not_allowed")])
        known, ids = await _known(session, allowed)
        plan = check(tables, known, today)
        return await _store(session, plan, ids)


@dataclass
class _Ids:
    institutions: dict[tuple[int, str], Institution] = field(default_factory=dict)
    squads: dict[tuple[int, str, str], Squad] = field(default_factory=dict)
    schools: dict[tuple[int, str, str], School] = field(default_factory=dict)


async def _known(session: AsyncSession, allowed: frozenset[int] | None) -> tuple[Known, _Ids]:
    regions: dict[str, int] = {}
    for region in await session.scalars(select(Region)):
        for name in (region.code, region.name_kk, region.name_ru, region.name_en):
            regions.setdefault(name.casefold(), region.id)
    ids = _Ids()
    institutions = select(Institution)
    schools = select(School)
    if allowed is not None:
        institutions = institutions.where(Institution.region_id.in_(allowed))
        schools = schools.where(School.region_id.in_(allowed))
    for inst in await session.scalars(institutions):
        ids.institutions[(inst.region_id, inst.name.casefold())] = inst
    by_id = {inst.id: key for key, inst in ids.institutions.items()}
    if by_id:
        for squad in await session.scalars(
            select(Squad).where(Squad.institution_id.in_(list(by_id)))
        ):
            region_id, inst_name = by_id[squad.institution_id]
            ids.squads[(region_id, inst_name, squad.name.casefold())] = squad
    for school in await session.scalars(schools):
        ids.schools[(school.region_id, school.district.casefold(), school.name.casefold())] = school
    known = Known(
        regions=regions,
        allowed=allowed,
        institutions=frozenset(ids.institutions),
        squads=frozenset(ids.squads),
        schools=frozenset(ids.schools),
    )
    return known, ids


async def _store(session: AsyncSession, plan: Plan, ids: _Ids) -> Summary:
    summary = Summary()

    def count(sheet: str, added: bool) -> None:
        target = summary.added if added else summary.updated
        target[sheet] = target.get(sheet, 0) + 1

    for region, name, kind in plan.institutions:
        key = (region, name.casefold())
        found = ids.institutions.get(key)
        if found is None:
            ids.institutions[key] = Institution(region_id=region, name=name, kind=kind)
            session.add(ids.institutions[key])
            count("institutions", True)
        elif found.kind != kind or not found.confirmed:
            found.kind, found.confirmed = kind, True
            count("institutions", False)
    await session.flush()
    for region, inst_name, name in plan.squads:
        squad_key = (region, inst_name.casefold(), name.casefold())
        if squad_key not in ids.squads:
            institution = ids.institutions[(region, inst_name.casefold())]
            squad = Squad(institution_id=institution.id, name=name, join_code=await _code(session))
            ids.squads[squad_key] = squad
            session.add(squad)
            count("squads", True)
    for region, district, name in plan.schools:
        school_key = (region, district.casefold(), name.casefold())
        if school_key not in ids.schools:
            ids.schools[school_key] = School(region_id=region, district=district, name=name)
            session.add(ids.schools[school_key])
            count("schools", True)
    await session.flush()
    for region, inst_name, squad_name, district, school_name, starts, ends in plan.attachments:
        squad = ids.squads[(region, inst_name.casefold(), squad_name.casefold())]
        school = ids.schools[(region, district.casefold(), school_name.casefold())]
        existing = await session.scalar(
            select(SquadSchool).where(
                SquadSchool.squad_id == squad.id,
                SquadSchool.school_id == school.id,
                SquadSchool.starts_on == starts,
            )
        )
        if existing is None:
            session.add(
                SquadSchool(squad_id=squad.id, school_id=school.id, starts_on=starts, ends_on=ends)
            )
            count("attachments", True)
        elif existing.ends_on != ends:
            existing.ends_on = ends
            count("attachments", False)
    return summary


async def _code(session: AsyncSession) -> str:
    """A squad's join code nobody has: eight letters and digits that are not confused."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if await session.scalar(select(Squad.id).where(Squad.join_code == code)) is None:
            return code
