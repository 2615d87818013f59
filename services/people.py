"""Who is writing to us: lookup, registration with consent, language."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.consent import PURPOSE_CHILDREN, ConsentGiven, record_consent
from services.errors import AlreadyRegistered, NotAllowed, NotRegistered, UnknownLocale
from services.invites import InviteView, redeem_invite
from services.locales import SUPPORTED_LOCALES
from services.roles import may_self_assign
from services.uow import unit_of_work
from storage.models import ChannelIdentity, Person, Role, RoleGrant


@dataclass(frozen=True)
class Actor:
    """The registered person behind an update, as handlers and filters need it."""

    person_id: int
    identity_id: int
    full_name: str
    locale: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class Newcomer:
    channel: str
    external_id: str
    full_name: str
    locale: str


@dataclass(frozen=True)
class Registration:
    actor: Actor
    granted: InviteView | None = None


async def load_actor(session: AsyncSession, channel: str, external_id: str) -> Actor | None:
    row = (
        await session.execute(
            select(ChannelIdentity, Person)
            .join(Person, Person.id == ChannelIdentity.person_id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
        )
    ).one_or_none()
    if row is None:
        return None
    identity, person = row
    if identity.blocked:
        # They write to us again, so they have unblocked the bot.
        identity.blocked = False
        identity.blocked_at = None
    roles = await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person.id))
    return Actor(person.id, identity.id, person.full_name, person.locale, frozenset(roles))


async def register(
    session: AsyncSession,
    newcomer: Newcomer,
    consent: ConsentGiven,
    *,
    role: Role | None = None,
    invite_code: str | None = None,
) -> Registration:
    """Create the person with their consent and first role in one transaction."""
    if newcomer.locale not in SUPPORTED_LOCALES:
        raise UnknownLocale(newcomer.locale)
    if role is not None and not may_self_assign(role):
        raise NotAllowed(role)
    async with unit_of_work(session):
        granted = await _create_person(session, newcomer, consent, role, invite_code)
    actor = await load_actor(session, newcomer.channel, newcomer.external_id)
    assert actor is not None
    return Registration(actor, granted)


async def _create_person(
    session: AsyncSession,
    newcomer: Newcomer,
    consent: ConsentGiven,
    role: Role | None,
    invite_code: str | None,
) -> InviteView | None:
    existing = await session.scalar(
        select(ChannelIdentity.id).where(
            ChannelIdentity.channel == newcomer.channel,
            ChannelIdentity.external_id == newcomer.external_id,
        )
    )
    if existing is not None:
        raise AlreadyRegistered()
    person = Person(full_name=newcomer.full_name[:200], locale=newcomer.locale)
    identity = ChannelIdentity(channel=newcomer.channel, external_id=newcomer.external_id)
    person.identities.append(identity)
    session.add(person)
    await session.flush()
    await record_consent(session, person.id, consent)
    if role is not None:
        session.add(RoleGrant(person_id=person.id, role=role))
    if role is Role.PARENT:
        # The consent screen a parent sees also covers the children they will add.
        await record_consent(session, person.id, replace(consent, purpose=PURPOSE_CHILDREN))
    if invite_code is None:
        return None
    return await redeem_invite(session, person.id, invite_code)


async def set_locale(session: AsyncSession, person_id: int, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise UnknownLocale(locale)
    person = await session.get(Person, person_id)
    if person is None:
        raise NotRegistered()
    person.locale = locale
    await session.commit()
