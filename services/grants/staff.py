"""Staff roles for administrators: who holds them, and revoking one (the person is told)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.admins import leaves_no_admin, locked_admins
from services.errors import DomainError, LastAdmin, NotAllowed
from services.grants.held import Grant, as_grants
from services.invites.directory import scope_name
from services.messaging.notify import notify
from services.names import sort_key
from services.roles import INVITE_ONLY_ROLES, Role, Scope, parse_roles
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.changes import people_changed
from storage.models.people import ChannelIdentity, Person, RoleGrant

STAFF_ROLES = INVITE_ONLY_ROLES  # administrator, coordinator, teacher, duty officer
NOTICE_KIND = "role_revoked"
NOTICE_PRIORITY = 10  # a personal notice, before reminders


class GrantGone(DomainError):
    """The role was revoked meanwhile, or its holder deleted their data."""


@dataclass(frozen=True)
class StaffMember:
    person_id: int
    full_name: str
    grants: tuple[Grant, ...]  # their staff roles only, strongest first


@dataclass(frozen=True)
class RevokedNotice:
    """What the person who lost a role is told, in their own language."""

    role: Role
    place: str  # in `locale`
    locale: str


@dataclass(frozen=True)
class Revoked:
    grant: Grant  # its place named in the revoker's language
    full_name: str
    remaining: frozenset[Role]  # what the person holds now (another club's grant, say)


async def list_staff(session: AsyncSession, locale: str) -> list[StaffMember]:
    """Everyone holding a staff role, in the reader's alphabet, with those roles and places."""
    async with reading(session):
        rows = (
            await session.execute(
                select(RoleGrant, Person.full_name)
                .join(Person, Person.id == RoleGrant.person_id)
                .where(RoleGrant.role.in_(STAFF_ROLES))
                .order_by(Person.id)
            )
        ).all()
        names = {grant.person_id: name for grant, name in rows}
        held: dict[int, list[Grant]] = defaultdict(list)
        for grant in await as_grants(session, (grant for grant, _ in rows), locale):
            held[grant.person_id].append(grant)
    members = [StaffMember(p, name, tuple(held[p])) for p, name in names.items() if held[p]]
    return sorted(members, key=lambda m: (sort_key(m.full_name, locale), m.person_id))


async def staff_member(session: AsyncSession, person_id: int, locale: str) -> StaffMember | None:
    """One person's staff roles; None when they hold none (any more)."""
    async with reading(session):
        name = await session.scalar(select(Person.full_name).where(Person.id == person_id))
        rows = await session.scalars(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id, RoleGrant.role.in_(STAFF_ROLES)
            )
        )
        grants = await as_grants(session, rows, locale)
    if name is None or not grants:
        return None
    return StaffMember(person_id, name, tuple(grants))


async def staff_grant(
    session: AsyncSession, grant_id: int, locale: str
) -> tuple[StaffMember, Grant] | None:
    """A staff grant and its holder; None when it is gone."""
    async with reading(session):
        person_id = await session.scalar(
            select(RoleGrant.person_id).where(
                RoleGrant.id == grant_id, RoleGrant.role.in_(STAFF_ROLES)
            )
        )
    if person_id is None:
        return None
    member = await staff_member(session, person_id, locale)
    grant = next((g for g in member.grants if g.id == grant_id), None) if member else None
    return (member, grant) if member is not None and grant is not None else None


async def revoke_grant(
    session: AsyncSession,
    revoker_id: int,
    grant_id: int,
    locale: str,
    notice: Callable[[RevokedNotice], str],
) -> Revoked:
    """Take a staff role away; the person is told (`notice`, rendered in their language)
    through the outbox, in the same commit.

    Every revocation first locks the admin grants: the revoker must still be an administrator
    (NotAllowed), the last administrator's role cannot go (LastAdmin), and two administrators
    revoking at the same moment (each other's role, or the same one) take turns.
    """
    async with unit_of_work(session):
        admins = await locked_admins(session)
        if revoker_id not in admins:
            raise NotAllowed()
        found = (
            await session.execute(
                select(
                    RoleGrant.person_id,
                    RoleGrant.role,
                    RoleGrant.region_id,
                    RoleGrant.club_id,
                    RoleGrant.site_id,
                ).where(RoleGrant.id == grant_id, RoleGrant.role.in_(STAFF_ROLES))
            )
        ).one_or_none()
        if found is None:
            raise GrantGone()
        person_id, role, scope = found[0], Role(found[1]), Scope.of(*found[2:])
        if role is Role.ADMIN and leaves_no_admin(admins, person_id):
            raise LastAdmin()
        gone = await session.execute(
            delete(RoleGrant).where(RoleGrant.id == grant_id).returning(RoleGrant.id)
        )
        if gone.one_or_none() is None:
            raise GrantGone()
        people_changed(session, persons=[person_id])
        name, their_locale = (
            await session.execute(
                select(Person.full_name, Person.locale).where(Person.id == person_id)
            )
        ).one()
        their_place = await scope_name(session, scope, their_locale)
        text = notice(RevokedNotice(role, their_place, their_locale))
        await _tell(session, person_id, grant_id, text, their_locale)
        remaining = parse_roles(
            await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person_id))
        )
        place = await scope_name(session, scope, locale)
    return Revoked(Grant(grant_id, person_id, role, scope, place), name, remaining)


async def _tell(
    session: AsyncSession, person_id: int, grant_id: int, text: str, locale: str
) -> None:
    """Through the outbox, on the person's preferred channel."""
    identity_id = await session.scalar(
        select(ChannelIdentity.id)
        .where(ChannelIdentity.person_id == person_id)
        .order_by(ChannelIdentity.id)
        .limit(1)
    )
    if identity_id is None:
        return
    await notify(
        session,
        identity_id,
        kind=NOTICE_KIND,
        payload={"text": text, "locale": locale},
        # Unique per revocation: a grant id may come back (SQLite reuses the highest one).
        dedup_key=f"{NOTICE_KIND}:{grant_id}:{utcnow().isoformat()}",
        priority=NOTICE_PRIORITY,
    )
