"""The role grants a person holds, with the names of their places."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.invites.directory import place_names
from services.names import sort_key
from services.roles import Role, Scope
from services.uow import reading
from storage.models.people import RoleGrant

# The order roles are shown in: the most powerful first.
ROLE_ORDER = (
    Role.ADMIN,
    Role.COORDINATOR,
    Role.TEACHER,
    Role.DUTY_OFFICER,
    Role.PARENT,
    Role.VOLUNTEER,
)


@dataclass(frozen=True)
class Grant:
    id: int
    person_id: int
    role: Role
    scope: Scope
    place: str = ""  # the scope's name in the reader's language


def scope_of(grant: RoleGrant) -> Scope:
    return Scope.of(grant.region_id, grant.club_id, grant.site_id, grant.child_id)


async def as_grants(session: AsyncSession, rows: Iterable[RoleGrant], locale: str) -> list[Grant]:
    """Rows as grants with their places named (one query per kind of place); roles this
    version does not know are left out. In the caller's transaction."""
    known = [row for row in rows if row.role in set(Role)]
    names = await place_names(session, (scope_of(row) for row in known), locale)
    grants = [
        Grant(row.id, row.person_id, Role(row.role), scope_of(row), names.get(scope_of(row), ""))
        for row in known
    ]
    return sorted(grants, key=lambda g: (ROLE_ORDER.index(g.role), sort_key(g.place, locale), g.id))


async def grants_of(session: AsyncSession, person_id: int, locale: str) -> list[Grant]:
    """What the person holds, strongest role first."""
    async with reading(session):
        rows = await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
        return await as_grants(session, rows, locale)
