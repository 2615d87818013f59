"""Who is writing to us: the person behind an account, and their language."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.errors import NotRegistered, UnknownLocale
from services.locales import SUPPORTED_LOCALES
from services.roles import Role, parse_roles
from services.uow import unit_of_work
from storage.changes import people_changed
from storage.models.people import ChannelIdentity, Person, RoleGrant


@dataclass(frozen=True)
class Actor:
    """The registered person behind an update, as handlers and filters need it."""

    person_id: int
    identity_id: int
    full_name: str
    locale: str
    roles: frozenset[Role] = field(default_factory=frozenset)

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)


async def load_actor(session: AsyncSession, channel: Channel, external_id: str) -> Actor | None:
    """Reads only; the caller owns the transaction."""
    found = await load_account(session, channel, external_id)
    return found[0] if found else None


async def load_account(
    session: AsyncSession, channel: Channel, external_id: str
) -> tuple[Actor, bool] | None:
    """One statement: the account (and whether it blocked us), its person, their roles."""
    rows = (
        await session.execute(
            select(
                ChannelIdentity.id,
                ChannelIdentity.blocked,
                Person.id,
                Person.full_name,
                Person.locale,
                RoleGrant.role,
            )
            .join(Person, Person.id == ChannelIdentity.person_id)
            .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
        )
    ).all()
    if not rows:
        return None
    identity_id, blocked, person_id, full_name, locale, _ = rows[0]
    roles = parse_roles(row.role for row in rows if row.role is not None)
    return Actor(person_id, identity_id, full_name, locale, roles), bool(blocked)


async def set_locale(session: AsyncSession, person_id: int, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise UnknownLocale(locale)
    async with unit_of_work(session):
        changed = await session.execute(
            update(Person).where(Person.id == person_id).values(locale=locale)
        )
        if not getattr(changed, "rowcount", 0):
            raise NotRegistered()
        people_changed(session, persons=[person_id])
