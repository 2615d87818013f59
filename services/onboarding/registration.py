"""Registration: the person, their account, their consent and first role, in one commit."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.consent import ConsentGiven, Purpose, record_consent
from services.errors import AlreadyRegistered, NotAllowed, UnknownLocale
from services.invites.invites import InviteView, redeem_invite
from services.locales import SUPPORTED_LOCALES
from services.people import Actor
from services.roles import Role, Scope, may_self_assign
from services.text import clean_text
from services.uow import unit_of_work
from storage.changes import people_changed
from storage.dialect import insert_ignoring_conflicts
from storage.models.people import ChannelIdentity, Person, RoleGrant

NAME_LIMIT = 200
NO_NAME = "—"


@dataclass(frozen=True)
class Newcomer:
    channel: Channel
    external_id: str
    full_name: str
    locale: str


@dataclass(frozen=True)
class Registration:
    actor: Actor
    granted: InviteView | None = None


async def register(
    session: AsyncSession,
    newcomer: Newcomer,
    consent: ConsentGiven,
    *,
    role: Role | None = None,
    invite_code: str | None = None,
) -> Registration:
    """Create the person with their consent and first role in one transaction.

    Idempotent under races: of several registrations of one account at once (five taps on
    "I agree"), one creates the person and the others get AlreadyRegistered, nothing else.
    """
    if newcomer.locale not in SUPPORTED_LOCALES:
        raise UnknownLocale(newcomer.locale)
    if role is not None and not may_self_assign(role):
        raise NotAllowed(role)
    async with unit_of_work(session):
        return await _create_person(session, newcomer, consent, role, invite_code)


async def _create_person(
    session: AsyncSession,
    newcomer: Newcomer,
    consent: ConsentGiven,
    role: Role | None,
    invite_code: str | None,
) -> Registration:
    name = clean_text(newcomer.full_name, NAME_LIMIT) or NO_NAME
    person = Person(full_name=name, locale=newcomer.locale)
    session.add(person)
    await session.flush()
    # The account is what must be unique: a second registration of it waits for the first
    # to commit, then inserts nothing and rolls its person back.
    identity_id = await session.scalar(
        insert_ignoring_conflicts(session, ChannelIdentity, ["channel", "external_id"])
        .values(person_id=person.id, channel=newcomer.channel, external_id=newcomer.external_id)
        .returning(ChannelIdentity.id)
    )
    if identity_id is None:
        raise AlreadyRegistered()
    people_changed(session, accounts=[(newcomer.channel, newcomer.external_id)])
    await record_consent(session, person.id, consent)
    roles: set[Role] = set()
    if role is not None:
        session.add(RoleGrant(person_id=person.id, role=role, scope_key=Scope().key))
        roles.add(role)
    if role is Role.PARENT:
        # The consent screen a parent sees also covers the children they will add.
        await record_consent(session, person.id, replace(consent, purpose=Purpose.CHILDREN))
    granted = None
    if invite_code is not None:
        granted = await redeem_invite(session, person.id, invite_code, newcomer.locale)
        roles.add(granted.role)
    await session.flush()
    actor = Actor(person.id, identity_id, name, newcomer.locale, frozenset(roles))
    return Registration(actor, granted)
