"""Invites: the only way into staff roles besides the bootstrap CLI."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import InvalidScope, InviteProblem, NotAllowed
from services.roles import SCOPE_OF_ROLE, may_invite
from services.uow import unit_of_work
from storage.base import utcnow
from storage.models import Club, Invite, Region, Role, RoleGrant, Site

EXPIRED, USED_UP, REVOKED, UNKNOWN, ALREADY_HAS = (
    "expired",
    "used_up",
    "revoked",
    "unknown",
    "already_has",
)
SCOPE_MODELS: dict[str, type[Region] | type[Club] | type[Site]] = {
    "region": Region,
    "club": Club,
    "site": Site,
}


@dataclass(frozen=True)
class Scope:
    kind: str | None = None  # region | club | site | None
    id: int | None = None


@dataclass(frozen=True)
class InviteView:
    code: str
    role: str
    scope: Scope
    expires_at: datetime


def invite_problem(invite: Invite | None, now: datetime) -> str | None:
    """Why an invite cannot be redeemed now, or None when it can."""
    if invite is None:
        return UNKNOWN
    if invite.revoked_at is not None:
        return REVOKED
    if invite.expires_at <= now:
        return EXPIRED
    if invite.uses >= invite.max_uses:
        return USED_UP
    return None


def scope_of(invite: Invite | RoleGrant) -> Scope:
    for kind in ("region", "club", "site"):
        value = getattr(invite, f"{kind}_id")
        if value is not None:
            return Scope(kind, value)
    return Scope()


def new_code() -> str:
    return secrets.token_urlsafe(9)  # 12 URL-safe chars: fits Telegram's deep-link alphabet


async def create_invite(
    session: AsyncSession,
    inviter_id: int | None,
    inviter_roles: frozenset[str],
    role: Role,
    scope: Scope,
    *,
    ttl: timedelta,
    max_uses: int = 1,
    bootstrap: bool = False,
) -> InviteView:
    if not bootstrap and not may_invite(inviter_roles, role):
        raise NotAllowed(role)
    if SCOPE_OF_ROLE.get(role) != scope.kind:
        raise InvalidScope(scope.kind)
    if scope.kind is not None and await session.get(SCOPE_MODELS[scope.kind], scope.id) is None:
        raise InvalidScope(scope.kind)
    invite = Invite(
        code=new_code(),
        role=role,
        created_by_id=inviter_id,
        expires_at=utcnow() + ttl,
        max_uses=max_uses,
        **({f"{scope.kind}_id": scope.id} if scope.kind else {}),
    )
    session.add(invite)
    await session.commit()
    return InviteView(invite.code, invite.role, scope, invite.expires_at)


async def check_invite(session: AsyncSession, code: str) -> InviteView:
    """Validate a code before the newcomer goes through language and consent."""
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    problem = invite_problem(invite, utcnow())
    if problem is not None:
        raise InviteProblem(problem)
    assert invite is not None
    return InviteView(invite.code, invite.role, scope_of(invite), invite.expires_at)


async def redeem_invite(session: AsyncSession, person_id: int, code: str) -> InviteView:
    """Grant the invite's role; the caller commits (registration shares the transaction)."""
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    problem = invite_problem(invite, utcnow())
    if problem is not None:
        raise InviteProblem(problem)
    assert invite is not None
    scope = scope_of(invite)
    grants = await session.scalars(
        select(RoleGrant).where(RoleGrant.person_id == person_id, RoleGrant.role == invite.role)
    )
    if any(scope_of(grant) == scope for grant in grants):
        raise InviteProblem(ALREADY_HAS)
    invite.uses += 1
    session.add(
        RoleGrant(
            person_id=person_id,
            role=invite.role,
            granted_by_id=invite.created_by_id,
            region_id=invite.region_id,
            club_id=invite.club_id,
            site_id=invite.site_id,
        )
    )
    return InviteView(invite.code, invite.role, scope, invite.expires_at)


async def redeem_as_member(session: AsyncSession, person_id: int, code: str) -> InviteView:
    """A registered person opens an invite link."""
    async with unit_of_work(session):
        return await redeem_invite(session, person_id, code)
