"""A registered person adds a self-service role (parent, volunteer); staff roles need an invite."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.consent import ConsentGiven, Purpose, consent_for, record_consent
from services.errors import DomainError, NotAllowed, NotRegistered
from services.roles import Role, Scope, may_self_assign, parse_roles
from services.uow import unit_of_work
from storage.changes import people_changed
from storage.dialect import insert_ignoring_conflicts
from storage.models.people import ConsentRecord, Person, RoleGrant

# In the order they are offered.
OFFERED = (Role.PARENT, Role.VOLUNTEER)


class RoleAlreadyHeld(DomainError):
    pass


def self_service_to_add(roles: Iterable[Role]) -> list[Role]:
    """The self-service roles a person does not hold yet."""
    held = set(roles)
    return [role for role in OFFERED if role not in held and may_self_assign(role)]


async def add_self_service_role(
    session: AsyncSession, person_id: int, role: Role
) -> frozenset[Role]:
    """Grant a parent or volunteer role to a registered person; their roles afterwards.

    A staff role is refused (NotAllowed): only an invite gives one. The grant is one INSERT
    that a second tap (or another channel) cannot repeat: RoleAlreadyHeld.
    """
    if not may_self_assign(role):
        raise NotAllowed(role)
    async with unit_of_work(session):
        locale = await session.scalar(select(Person.locale).where(Person.id == person_id))
        if locale is None:
            raise NotRegistered()
        added = await session.scalar(
            insert_ignoring_conflicts(session, RoleGrant, ["person_id", "role", "scope_key"])
            .values(person_id=person_id, role=role, scope_key=Scope().key)
            .returning(RoleGrant.id)
        )
        if added is None:
            raise RoleAlreadyHeld(role)
        people_changed(session, persons=[person_id])
        if role is Role.PARENT:
            await record_consent(session, person_id, await _for_children(session, person_id))
        roles = parse_roles(
            await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person_id))
        )
    return roles


async def _for_children(session: AsyncSession, person_id: int) -> ConsentGiven:
    """The consent a parent gave at registration covers the children they add (its text says
    so): recorded for them with the version and language the person read then."""
    given = (
        await session.execute(
            select(ConsentRecord.text_version, ConsentRecord.locale)
            .where(
                ConsentRecord.person_id == person_id,
                ConsentRecord.purpose == Purpose.SELF,
                ConsentRecord.withdrawn_at.is_(None),
            )
            .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
            .limit(1)
        )
    ).one_or_none()
    if given is None:
        raise NotRegistered()  # no consent, no data: registration always records one
    version, locale = given
    return replace(consent_for(locale), purpose=Purpose.CHILDREN, text_version=version)
