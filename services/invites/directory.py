"""Names of the places roles are scoped to, for pickers and messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.names import localized, sort_key
from services.roles import Scope, ScopeKind
from services.uow import reading
from storage.models.org import Club, Region, Site

MAX_ID = 2**31 - 1  # the widest id column we have (PostgreSQL's integer)


@dataclass(frozen=True)
class Named:
    id: int
    name: str


async def list_scope(session: AsyncSession, kind: ScopeKind, locale: str) -> list[Named]:
    """Every region, club or site, named in the reader's language, in that alphabet's order."""
    async with reading(session):
        if kind is ScopeKind.REGION:
            regions = await session.scalars(select(Region))
            named = [Named(r.id, region_name(r, locale)) for r in regions]
        else:
            model = Club if kind is ScopeKind.CLUB else Site
            rows = await session.execute(select(model.id, *_names(model)))
            named = [Named(id_, localized(locale, *names)) for id_, *names in rows.all()]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


async def scope_name(session: AsyncSession, scope: Scope, locale: str) -> str:
    """The place's name in the reader's language, or "" for no scope; in the caller's
    transaction."""
    if scope.kind is None or scope.id is None:
        return ""
    if scope.kind is ScopeKind.REGION:
        region = await session.get(Region, scope.id)
        return region_name(region, locale) if region else ""
    if scope.kind is ScopeKind.CHILD:
        return ""
    model = Club if scope.kind is ScopeKind.CLUB else Site
    row = (await session.execute(select(*_names(model)).where(model.id == scope.id))).first()
    return localized(locale, *row) if row else ""


def _names(model: type[Club | Site]) -> tuple[Any, ...]:
    """The columns `localized` takes, in its order: as given, kk, ru, en."""
    return model.name, model.name_kk, model.name_ru, model.name_en


async def scope_exists(session: AsyncSession, scope: Scope) -> bool:
    if scope.kind is None or scope.id is None:
        return scope.kind is None
    if not 0 < scope.id <= MAX_ID:
        return False  # a forged number no table can hold
    models: dict[ScopeKind, type[Region | Club | Site]] = {
        ScopeKind.REGION: Region,
        ScopeKind.CLUB: Club,
        ScopeKind.SITE: Site,
    }
    model = models.get(scope.kind)
    if model is None:
        return False
    return await session.scalar(select(model.id).where(model.id == scope.id)) is not None


async def place_names(
    session: AsyncSession, scopes: Iterable[Scope], locale: str
) -> dict[Scope, str]:
    """The names of many places at once (a query per kind, not per place), in the caller's
    transaction; a place without a name, or no scope at all, is left out."""
    wanted: dict[ScopeKind, set[int]] = {}
    for scope in scopes:
        if scope.kind is not None and scope.id is not None:
            wanted.setdefault(scope.kind, set()).add(scope.id)
    names: dict[Scope, str] = {}
    if ids := wanted.get(ScopeKind.REGION):
        for region in await session.scalars(select(Region).where(Region.id.in_(ids))):
            names[Scope(ScopeKind.REGION, region.id)] = region_name(region, locale)
    for kind, model in ((ScopeKind.CLUB, Club), (ScopeKind.SITE, Site)):
        if ids := wanted.get(kind):
            rows = await session.execute(select(model.id, *_names(model)).where(model.id.in_(ids)))
            names.update(
                {Scope(kind, id_): localized(locale, *given) for id_, *given in rows.all()}
            )
    return names


def region_name(region: Region, locale: str) -> str:
    """Regions have all three names; a reader of another language gets the English one."""
    return localized(locale, region.name_en, region.name_kk, region.name_ru, region.name_en)
