"""A volunteer's application: submitted (or edited) in one commit, a parent's consent for a
minor, and the region coordinator's decision, each settled by one conditional UPDATE."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.consent import CONSENT_TEXT_VERSION, ConsentGiven, Purpose, record_consent
from services.errors import DomainError, NotAllowed, NotRegistered
from services.invites.directory import region_name
from services.messaging.notify import Notice, notify_many
from services.roles import Role
from services.text import clean_text
from services.uow import reading, unit_of_work
from services.volunteers.rules import (
    Status,
    clean_name,
    full_name,
    needs_parent,
    parse_birth_date,
    parse_phone,
    status_after_edit,
)
from storage.base import utcnow
from storage.changes import people_changed
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person, RoleGrant
from storage.models.volunteers import Institution, Squad, Volunteer

CARD_KIND = "volunteer_card"
RESULT_KIND = "volunteer_result"
PRIORITY = 5
INSTITUTION_LIMIT = 200
REASON_LIMIT = 500


class InvalidApplication(DomainError):
    """A field no longer fits (a region, institution or squad gone, or a forged value)."""


class AlreadyDecided(DomainError):
    """Another coordinator decided first, or the application changed meanwhile."""


class ParentLinkUsed(DomainError):
    """The parent's link was used already, or never existed."""


@dataclass(frozen=True)
class Draft:
    """The answers, kept in the conversation until "Submit"."""

    full_name: str
    phone: str
    birth_date: date
    region_id: int
    institution_id: int | None = None
    new_institution: str | None = None  # typed: stored unconfirmed
    squad_id: int | None = None


@dataclass(frozen=True)
class Card:
    """What a coordinator reads about an application, in `locale`."""

    volunteer_id: int
    locale: str
    full_name: str
    phone: str | None
    birth_date: date | None
    region: str
    institution: str | None
    institution_confirmed: bool
    squad: str | None
    parent_consented: bool


@dataclass(frozen=True)
class Submitted:
    volunteer_id: int
    status: Status
    parent_code: str | None


@dataclass(frozen=True)
class Result:
    """What the volunteer is told, in their language."""

    locale: str
    approved: bool
    reason: str | None


@dataclass(frozen=True)
class Decided:
    full_name: str
    approved: bool


CardRenderer = Callable[[Card], dict[str, Any]]
ResultRenderer = Callable[[Result], str]


async def submit(
    session: AsyncSession,
    person_id: int,
    draft: Draft,
    *,
    today: date,
    min_age: int,
    card: CardRenderer,
) -> Submitted:
    """Stores the application (or the edit of one); a minor's waits for a parent, the rest go
    to the region's coordinators (`card`, in each one's language) in the same commit."""
    name = full_name(draft.full_name)
    phone = parse_phone(draft.phone)
    born = parse_birth_date(draft.birth_date.strftime("%Y-%m-%d"), today, min_age)
    if name is None or phone is None:
        raise InvalidApplication()
    async with unit_of_work(session):
        if await session.get(Region, draft.region_id) is None:
            raise InvalidApplication()
        institution_id = await _institution(session, person_id, draft)
        squad_id = await _squad(session, institution_id, draft.squad_id)
        changed = await session.execute(
            update(Person).where(Person.id == person_id).values(full_name=name, phone=phone)
        )
        if not getattr(changed, "rowcount", 0):
            raise NotRegistered()
        people_changed(session, persons=[person_id])
        volunteer = await session.scalar(
            select(Volunteer).where(Volunteer.person_id == person_id).with_for_update()
        )
        if volunteer is None:
            volunteer = Volunteer(person_id=person_id, status=Status.DRAFT)
            session.add(volunteer)
        parent_missing = needs_parent(born, today) and volunteer.parent_consent_at is None
        region_changed = volunteer.region_id != draft.region_id
        status = status_after_edit(Status(volunteer.status), region_changed, parent_missing)
        volunteer.birth_date = born
        volunteer.region_id = draft.region_id
        volunteer.institution_id = institution_id
        volunteer.squad_id = squad_id
        volunteer.status = status
        if status is Status.AWAITING_PARENT and volunteer.parent_code is None:
            volunteer.parent_code = secrets.token_hex(8)
        if status is Status.PENDING:
            volunteer.submitted_at = utcnow()
            volunteer.decided_at = volunteer.decided_by_id = volunteer.reject_reason = None
        await session.flush()
        if status is Status.PENDING:
            await _send_cards(session, volunteer, card)
        submitted = Submitted(volunteer.id, status, volunteer.parent_code)
    return submitted


async def _institution(session: AsyncSession, person_id: int, draft: Draft) -> int | None:
    if draft.new_institution is not None:
        name = clean_name(draft.new_institution)
        if name is None or len(name) > INSTITUTION_LIMIT:
            raise InvalidApplication()
        existing = await session.scalar(
            select(Institution.id).where(
                Institution.region_id == draft.region_id, Institution.name == name
            )
        )
        if existing is not None:
            return int(existing)
        proposed = Institution(
            region_id=draft.region_id, name=name, confirmed=False, proposed_by_id=person_id
        )
        session.add(proposed)
        await session.flush()
        return proposed.id
    if draft.institution_id is None:
        return None
    found = await session.scalar(
        select(Institution.id).where(
            Institution.id == draft.institution_id, Institution.region_id == draft.region_id
        )
    )
    if found is None:
        raise InvalidApplication()
    return int(found)


async def _squad(
    session: AsyncSession, institution_id: int | None, squad_id: int | None
) -> int | None:
    if squad_id is None:
        return None
    found = await session.scalar(
        select(Squad.id).where(Squad.id == squad_id, Squad.institution_id == institution_id)
    )
    if found is None:
        raise InvalidApplication()
    return int(found)


async def reviewers(session: AsyncSession, region_id: int) -> list[tuple[int, int, str]]:
    """(person, account, language) of the region's coordinators; none: the administrators."""
    for condition in (
        (RoleGrant.role == Role.COORDINATOR) & (RoleGrant.region_id == region_id),
        RoleGrant.role == Role.ADMIN,
    ):
        rows = (
            await session.execute(
                select(Person.id, ChannelIdentity.id, Person.locale)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
                .where(condition)
                .order_by(Person.id, ChannelIdentity.id)
            )
        ).all()
        found: dict[int, tuple[int, int, str]] = {}
        for person, identity, locale in rows:
            found.setdefault(person, (person, identity, locale))
        if found:
            return list(found.values())
    return []


async def _send_cards(session: AsyncSession, volunteer: Volunteer, card: CardRenderer) -> None:
    assert volunteer.region_id is not None
    stamp = utcnow().isoformat()
    notices = []
    for person, identity, locale in await reviewers(session, volunteer.region_id):
        view = await card_of(session, volunteer.id, locale)
        if view is None:
            continue
        notices.append(
            Notice(
                identity_id=identity,
                kind=CARD_KIND,
                payload={**card(view), "locale": locale},
                dedup_key=f"{CARD_KIND}:{volunteer.id}:{person}:{stamp}",
                priority=PRIORITY,
            )
        )
    await notify_many(session, notices)


async def card_of(session: AsyncSession, volunteer_id: int, locale: str) -> Card | None:
    """In the caller's transaction."""
    row = (
        await session.execute(
            select(Volunteer, Person.full_name, Person.phone, Region)
            .join(Person, Person.id == Volunteer.person_id)
            .join(Region, Region.id == Volunteer.region_id)
            .where(Volunteer.id == volunteer_id)
        )
    ).one_or_none()
    if row is None:
        return None
    volunteer, full_name, phone, region = row
    institution = (
        await session.get(Institution, volunteer.institution_id)
        if volunteer.institution_id
        else None
    )
    squad = await session.get(Squad, volunteer.squad_id) if volunteer.squad_id else None
    return Card(
        volunteer_id=volunteer.id,
        locale=locale,
        full_name=full_name,
        phone=phone,
        birth_date=volunteer.birth_date,
        region=region_name(region, locale),
        institution=institution.name if institution else None,
        institution_confirmed=institution.confirmed if institution else True,
        squad=squad.name if squad else None,
        parent_consented=volunteer.parent_consent_at is not None,
    )


async def may_review(session: AsyncSession, person_id: int, region_id: int | None) -> bool:
    """Administrators review every region, a coordinator their own; in the caller's
    transaction."""
    grants = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.region_id).where(RoleGrant.person_id == person_id)
        )
    ).all()
    return any(
        role == Role.ADMIN or (role == Role.COORDINATOR and region == region_id)
        for role, region in grants
    )


async def decide(
    session: AsyncSession,
    reviewer_id: int,
    volunteer_id: int,
    *,
    approve: bool,
    reason: str | None,
    tell: ResultRenderer,
) -> Decided:
    """Approves or rejects a pending application: of two reviewers at once one decides, the
    other gets AlreadyDecided. The volunteer is told (`tell`, their language) in the commit.
    Approving confirms an institution the volunteer typed in."""
    async with unit_of_work(session):
        row = (
            await session.execute(
                select(Volunteer.region_id, Volunteer.institution_id).where(
                    Volunteer.id == volunteer_id
                )
            )
        ).one_or_none()
        if row is None:
            raise AlreadyDecided()
        region_id, institution_id = row
        if not await may_review(session, reviewer_id, region_id):
            raise NotAllowed()
        status = Status.APPROVED if approve else Status.REJECTED
        kept_reason = clean_text(reason, REASON_LIMIT) or None if reason else None
        decided = (
            await session.execute(
                update(Volunteer)
                .where(
                    Volunteer.id == volunteer_id,
                    Volunteer.status == Status.PENDING,
                    Volunteer.region_id == region_id,
                )
                .values(
                    status=status,
                    decided_at=utcnow(),
                    decided_by_id=reviewer_id,
                    reject_reason=None if approve else kept_reason,
                )
                .returning(Volunteer.person_id)
            )
        ).one_or_none()
        if decided is None:
            raise AlreadyDecided()
        person_id = decided[0]
        if approve and institution_id is not None:
            await session.execute(
                update(Institution).where(Institution.id == institution_id).values(confirmed=True)
            )
        full_name, locale = (
            await session.execute(
                select(Person.full_name, Person.locale).where(Person.id == person_id)
            )
        ).one()
        identity = await session.scalar(
            select(ChannelIdentity.id)
            .where(ChannelIdentity.person_id == person_id)
            .order_by(ChannelIdentity.id)
            .limit(1)
        )
        if identity is not None:
            text = tell(Result(locale, approve, None if approve else kept_reason))
            await notify_many(
                session,
                [
                    Notice(
                        identity_id=identity,
                        kind=RESULT_KIND,
                        payload={"text": text, "locale": locale},
                        dedup_key=f"{RESULT_KIND}:{volunteer_id}:{utcnow().isoformat()}",
                        priority=PRIORITY,
                    )
                ],
            )
    return Decided(full_name, approve)


@dataclass(frozen=True)
class ParentRequest:
    volunteer_name: str
    locale: str  # the volunteer's: a guess for a parent whose language we do not know


async def parent_request(session: AsyncSession, code: str) -> ParentRequest | None:
    """The application a parent's link is for, while it waits for them."""
    if not code or len(code) > 24:
        return None
    async with reading(session):
        row = (
            await session.execute(
                select(Person.full_name, Person.locale)
                .join(Volunteer, Volunteer.person_id == Person.id)
                .where(
                    Volunteer.parent_code == code,
                    Volunteer.status == Status.AWAITING_PARENT,
                )
            )
        ).one_or_none()
    return ParentRequest(*row) if row else None


async def give_parent_consent(
    session: AsyncSession,
    code: str,
    parent_id: int,
    locale: str,
    *,
    card: CardRenderer,
) -> str:
    """The parent consents: recorded, the link spent (one UPDATE: a second tap, or a second
    parent, gets ParentLinkUsed), the application goes to the coordinators. Returns the
    volunteer's name."""
    async with unit_of_work(session):
        return await consent_in(session, code, parent_id, locale, card)


async def consent_in(
    session: AsyncSession, code: str, parent_id: int, locale: str, card: CardRenderer
) -> str:
    """give_parent_consent in the caller's transaction (a newcomer's registration's)."""
    row = (
        await session.execute(
            update(Volunteer)
            .where(Volunteer.parent_code == code, Volunteer.status == Status.AWAITING_PARENT)
            .values(
                status=Status.PENDING,
                parent_code=None,
                parent_consent_at=utcnow(),
                parent_consent_by_id=parent_id,
                submitted_at=utcnow(),
            )
            .returning(Volunteer.id, Volunteer.person_id)
        )
    ).one_or_none()
    if row is None:
        raise ParentLinkUsed()
    volunteer_id, person_id = row
    if person_id == parent_id:
        raise NotAllowed()  # one's own link: rolled back by the unit of work
    await record_consent(
        session, parent_id, ConsentGiven(Purpose.VOLUNTEER, CONSENT_TEXT_VERSION, locale)
    )
    volunteer = await session.get(Volunteer, volunteer_id)
    assert volunteer is not None
    await session.refresh(volunteer)
    await _send_cards(session, volunteer, card)
    name = await session.scalar(select(Person.full_name).where(Person.id == person_id))
    return str(name)
