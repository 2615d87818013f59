"""Open invites (not used up, not expired, not cancelled): listed for admins, and cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import NotAllowed
from services.invites.directory import place_names, scope_name
from services.invites.invites import InviteProblem, InviteReason, invite_problem
from services.roles import Role, Scope
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.models.invites import Invite


@dataclass(frozen=True)
class OpenInvite:
    id: int
    role: Role
    scope: Scope
    expires_at: datetime
    place: str = ""  # the scope's name in the reader's language


def _open(now: datetime) -> ColumnElement[bool]:
    """Redeemable now (services/invites/invites.py invite_problem says the same in Python)."""
    return and_(Invite.revoked_at.is_(None), Invite.expires_at > now, Invite.uses < Invite.max_uses)


async def list_open_invites(
    session: AsyncSession, locale: str, now: datetime | None = None
) -> list[OpenInvite]:
    """Every invite that can still be redeemed, the soonest to expire first."""
    now = now or utcnow()
    async with reading(session):
        invites = list(
            await session.scalars(
                select(Invite).where(_open(now)).order_by(Invite.expires_at, Invite.id)
            )
        )
        scopes = {i.id: Scope.of(i.region_id, i.club_id, i.site_id) for i in invites}
        names = await place_names(session, scopes.values(), locale)
        # Built before the transaction ends: its end expires the rows.
        return [
            OpenInvite(i.id, Role(i.role), scopes[i.id], i.expires_at, names.get(scopes[i.id], ""))
            for i in invites
            if i.role in set(Role)
        ]


async def cancel_invite(
    session: AsyncSession,
    canceller_roles: frozenset[Role],
    invite_id: int,
    locale: str,
    now: datetime | None = None,
) -> OpenInvite:
    """The code stops working at once. One conditional UPDATE: an invite redeemed, expired or
    cancelled meanwhile is not cancelled (again), and InviteProblem says why."""
    if Role.ADMIN not in canceller_roles:
        raise NotAllowed()
    now = now or utcnow()
    async with unit_of_work(session):
        row = (
            await session.execute(
                update(Invite)
                .where(Invite.id == invite_id, _open(now))
                .values(revoked_at=now)
                .returning(
                    Invite.role, Invite.region_id, Invite.club_id, Invite.site_id, Invite.expires_at
                )
            )
        ).one_or_none()
        if row is None:
            invite = await session.scalar(select(Invite).where(Invite.id == invite_id))
            raise InviteProblem(invite_problem(invite, now) or InviteReason.USED_UP)
        role, region_id, club_id, site_id, expires_at = row
        scope = Scope.of(region_id, club_id, site_id)
        place = await scope_name(session, scope, locale)
    return OpenInvite(invite_id, Role(role), scope, expires_at, place)
