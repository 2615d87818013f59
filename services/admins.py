"""The last administrator: Qamqor is never left without one.

Revoking the administrator role from, or forgetting, the only person who holds it raises
`LastAdmin`. The check locks every admin grant (SELECT ... FOR UPDATE on PostgreSQL) in the
caller's transaction, always in the same order, so two admins removing each other at the same
moment are serialised: the second waits for the first to commit, then sees one admin left and
is refused. On SQLite every writing transaction holds the one write lock from its start.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import LastAdmin
from services.roles import Role
from services.uow import reading
from storage.models.people import RoleGrant


async def locked_admins(session: AsyncSession) -> frozenset[int]:
    """Who holds the administrator role, locked until the caller's transaction ends."""
    rows = await session.scalars(
        select(RoleGrant.person_id)
        .where(RoleGrant.role == Role.ADMIN)
        .order_by(RoleGrant.id)
        .with_for_update()
    )
    return frozenset(rows)


def leaves_no_admin(admins: frozenset[int], leaving: int) -> bool:
    """Whether `leaving` giving up the role would leave nobody holding it."""
    return leaving in admins and not admins - {leaving}


async def keep_an_admin(session: AsyncSession, leaving: int) -> frozenset[int]:
    """In the caller's unit of work, before `leaving` stops being an administrator (their role
    revoked, or they are deleted): raises LastAdmin if nobody would be left. The admins."""
    admins = await locked_admins(session)
    if leaves_no_admin(admins, leaving):
        raise LastAdmin()
    return admins


async def check_not_last_admin(session: AsyncSession, person_id: int) -> None:
    """Reads only: raises LastAdmin if the person is the only administrator (a first answer;
    the change itself checks again under the lock)."""
    async with reading(session):
        admins = frozenset(
            await session.scalars(select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN))
        )
    if leaves_no_admin(admins, person_id):
        raise LastAdmin()
