"""What a volunteer picks from: the regions, a region's confirmed institutions, an
institution's squads, a squad by its leader's code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.invites.directory import MAX_ID, Named, list_scope, region_name
from services.names import sort_key, typed_matches
from services.roles import ScopeKind
from services.uow import reading
from storage.models.org import Region
from storage.models.volunteers import Institution, Squad

CODE_LIMIT = 16


@dataclass(frozen=True)
class SquadByCode:
    id: int
    name: str
    institution_id: int
    institution: str
    region_id: int


async def regions(session: AsyncSession, locale: str) -> list[Named]:
    return await list_scope(session, ScopeKind.REGION, locale)


async def regions_typed(session: AsyncSession, typed: str, locale: str) -> list[Named]:
    """The regions whose name, in any of our languages, is what was typed ("Қарағанды",
    "караганда", "Karaganda"), named in the reader's language and alphabet."""
    async with reading(session):
        found = [
            region
            for region in await session.scalars(select(Region))
            if any(typed_matches(typed, name) for name in region_names(region))
        ]
        named = [Named(r.id, region_name(r, locale)) for r in found]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


def region_names(region: Region) -> tuple[str, ...]:
    return tuple(n for n in (region.name_kk, region.name_ru, region.name_en) if n)


async def institutions(
    session: AsyncSession, region_id: int, locale: str, person_id: int | None = None
) -> list[Named]:
    """The region's confirmed institutions (and the one this person proposed), in the
    reader's alphabet."""
    async with reading(session):
        shown: ColumnElement[bool] = Institution.confirmed.is_(True)
        if person_id is not None:
            shown = or_(shown, Institution.proposed_by_id == person_id)
        rows = await session.execute(
            select(Institution.id, Institution.name).where(
                Institution.region_id == region_id, shown
            )
        )
        named = [Named(id_, name) for id_, name in rows.all()]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


async def squads(session: AsyncSession, institution_id: int, locale: str) -> list[Named]:
    async with reading(session):
        rows = await session.execute(
            select(Squad.id, Squad.name).where(Squad.institution_id == institution_id)
        )
        named = [Named(id_, name) for id_, name in rows.all()]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


async def squad_by_code(session: AsyncSession, code: str) -> SquadByCode | None:
    """The squad whose leader handed out `code` (any case, spaces ignored)."""
    wanted = "".join(code.split()).upper()
    if not wanted or len(wanted) > CODE_LIMIT:
        return None
    async with reading(session):
        row = (
            await session.execute(
                select(
                    Squad.id, Squad.name, Institution.id, Institution.name, Institution.region_id
                )
                .join(Institution, Institution.id == Squad.institution_id)
                .where(Squad.join_code == wanted)
            )
        ).one_or_none()
    return SquadByCode(*row) if row else None


def valid_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value <= MAX_ID
