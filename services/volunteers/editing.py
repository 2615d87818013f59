"""Editing the directory in chat: a region's leader-movement centre links (the work plan and
the social pages), by the region's coordinators and the administrators."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import DomainError
from services.invites.directory import Named, region_name
from services.names import sort_key
from services.uow import reading, unit_of_work
from services.volunteers.imports import allowed_regions
from storage.models.org import Region
from storage.models.volunteers import Centre

# The centre's links, in the order the menu shows them.
LINK_FIELDS = ("work_plan_url", "vk_url", "instagram_url", "facebook_url", "youtube_url")
URL_LIMIT = 500


class NotYourRegion(DomainError):
    """The region is not this person's to edit (another region's, or a forged button)."""


def is_web_link(url: str) -> bool:
    """An http(s) link with a host, no spaces, at most 500 characters."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and "." in parts.netloc
        and not any(c.isspace() for c in url)
        and len(url) <= URL_LIMIT
    )


async def editable_regions(session: AsyncSession, person_id: int, locale: str) -> list[Named]:
    """Every region for an administrator, a coordinator's own; in the reader's alphabet."""
    async with reading(session):
        allowed = await allowed_regions(session, person_id)
        query = select(Region)
        if allowed is not None:
            query = query.where(Region.id.in_(allowed))
        named = [Named(r.id, region_name(r, locale)) for r in await session.scalars(query)]
    return sorted(named, key=lambda item: (sort_key(item.name, locale), item.id))


async def centre_links(
    session: AsyncSession, person_id: int, region_id: int, locale: str
) -> tuple[str, dict[str, str | None]]:
    """The region's name and its centre's links (None where not set)."""
    async with reading(session):
        region = await _editable(session, person_id, region_id)
        centre = await session.scalar(select(Centre).where(Centre.region_id == region_id))
        links = {f: (getattr(centre, f) if centre else None) for f in LINK_FIELDS}
        return region_name(region, locale), links


async def set_centre_link(
    session: AsyncSession, person_id: int, region_id: int, field: str, url: str | None
) -> None:
    """Sets one link (None removes it); the centre is made if the region had none."""
    if field not in LINK_FIELDS or (url is not None and not is_web_link(url)):
        raise ValueError(field)
    async with unit_of_work(session):
        await _editable(session, person_id, region_id)
        centre = await session.scalar(select(Centre).where(Centre.region_id == region_id))
        if centre is None:
            centre = Centre(region_id=region_id)
            session.add(centre)
        setattr(centre, field, url)


async def _editable(session: AsyncSession, person_id: int, region_id: int) -> Region:
    allowed = await allowed_regions(session, person_id)
    region = await session.get(Region, region_id)
    if region is None or (allowed is not None and region_id not in allowed):
        raise NotYourRegion()
    return region
