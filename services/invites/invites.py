"""Invites: the only way into staff roles besides the bootstrap CLI."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import DomainError, NotAllowed
from services.invites.directory import scope_exists, scope_name
from services.roles import SCOPE_OF_ROLE, Role, Scope, may_invite
from services.text import is_token
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.changes import people_changed
from storage.dialect import insert_ignoring_conflicts
from storage.models.invites import Invite
from storage.models.people import RoleGrant

CODE_ALPHABET = string.ascii_letters + string.digits + "-_"
CODE_MAX_LENGTH = 32


class InviteReason(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"
    ALREADY_HAS = "already_has"


class InviteProblem(DomainError):
    """An invite that cannot be used, and why."""

    def __init__(self, reason: InviteReason) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidScope(DomainError):
    pass


@dataclass(frozen=True)
class InviteView:
    code: str
    role: Role
    scope: Scope
    expires_at: datetime
    place: str = ""  # the scope's name in the reader's language


def invite_problem(invite: Invite | None, now: datetime) -> InviteReason | None:
    """Why an invite cannot be redeemed now, or None when it can."""
    if invite is None:
        return InviteReason.UNKNOWN
    if invite.revoked_at is not None:
        return InviteReason.REVOKED
    if invite.expires_at <= now:
        return InviteReason.EXPIRED
    if invite.uses >= invite.max_uses:
        return InviteReason.USED_UP
    return None


def new_code() -> str:
    return secrets.token_urlsafe(9)  # 12 URL-safe chars: fits Telegram's deep-link alphabet


def looks_like_code(code: str) -> bool:
    return is_token(code, CODE_ALPHABET, max_length=CODE_MAX_LENGTH)


async def create_invite(
    session: AsyncSession,
    inviter_id: int | None,
    inviter_roles: frozenset[Role],
    role: Role,
    scope: Scope,
    *,
    ttl: timedelta,
    locale: str = "en",
    max_uses: int = 1,
    bootstrap: bool = False,
) -> InviteView:
    if not bootstrap and not may_invite(inviter_roles, role):
        raise NotAllowed(role)
    async with unit_of_work(session):
        if SCOPE_OF_ROLE.get(role) != scope.kind or not await scope_exists(session, scope):
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
        place = await scope_name(session, scope, locale)
    return InviteView(invite.code, role, scope, invite.expires_at, place)


async def check_invite(session: AsyncSession, code: str) -> InviteView:
    """Validate a code before the newcomer goes through language and consent."""
    if not looks_like_code(code):
        raise InviteProblem(InviteReason.UNKNOWN)
    async with reading(session):
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        problem = invite_problem(invite, utcnow())
        if problem is not None:
            raise InviteProblem(problem)
        assert invite is not None
        scope = Scope.of(invite.region_id, invite.club_id, invite.site_id)
        return InviteView(invite.code, Role(invite.role), scope, invite.expires_at)


async def redeem_invite(
    session: AsyncSession, person_id: int, code: str, locale: str
) -> InviteView:
    """Grant the invite's role in the caller's unit of work (registration shares it).

    Taking a use is one conditional UPDATE: two people racing for the last use cannot both
    win, and a role already held rolls the use back with the caller's transaction.
    """
    if not looks_like_code(code):
        raise InviteProblem(InviteReason.UNKNOWN)
    now = utcnow()
    taken = (
        await session.execute(
            update(Invite)
            .where(
                Invite.code == code,
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
                Invite.uses < Invite.max_uses,
            )
            .values(uses=Invite.uses + 1)
            .returning(
                Invite.role,
                Invite.region_id,
                Invite.club_id,
                Invite.site_id,
                Invite.created_by_id,
                Invite.expires_at,
            )
        )
    ).one_or_none()
    if taken is None:
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        raise InviteProblem(invite_problem(invite, now) or InviteReason.USED_UP)
    role, region_id, club_id, site_id, created_by_id, expires_at = taken
    scope = Scope.of(region_id, club_id, site_id)
    granted = await session.scalar(
        insert_ignoring_conflicts(session, RoleGrant, ["person_id", "role", "scope_key"])
        .values(
            person_id=person_id,
            role=role,
            region_id=region_id,
            club_id=club_id,
            site_id=site_id,
            scope_key=scope.key,
            granted_by_id=created_by_id,
            created_at=now,
        )
        .returning(RoleGrant.id)
    )
    if granted is None:
        raise InviteProblem(InviteReason.ALREADY_HAS)
    people_changed(session, persons=[person_id])
    place = await scope_name(session, scope, locale)
    return InviteView(code, Role(role), scope, expires_at, place)


async def redeem_as_member(
    session: AsyncSession, person_id: int, code: str, locale: str
) -> InviteView:
    """A registered person opens an invite link."""
    async with unit_of_work(session):
        return await redeem_invite(session, person_id, code, locale)
