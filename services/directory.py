"""Names of the places roles are scoped to, for pickers and messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Club, Region, Site


@dataclass(frozen=True)
class Named:
    id: int
    name: str


async def list_scope(session: AsyncSession, kind: str, locale: str) -> list[Named]:
    if kind == "region":
        regions = await session.scalars(select(Region).order_by(Region.id))
        return [Named(r.id, region_name(r, locale)) for r in regions]
    if kind == "club":
        return [
            Named(c.id, c.name) for c in await session.scalars(select(Club).order_by(Club.name))
        ]
    return [Named(s.id, s.name) for s in await session.scalars(select(Site).order_by(Site.name))]


async def scope_name(session: AsyncSession, kind: str | None, id_: int | None, locale: str) -> str:
    if kind is None or id_ is None:
        return ""
    if kind == "region":
        region = await session.get(Region, id_)
        return region_name(region, locale) if region else ""
    row = await session.get(Club, id_) if kind == "club" else await session.get(Site, id_)
    return row.name if row else ""


def region_name(region: Region, locale: str) -> str:
    return {"kk": region.name_kk, "ru": region.name_ru}.get(locale, region.name_en)
