"""Awarding a letter of gratitude, the awardee's letters, and /verify of a letter's code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.rules import REGIONAL, REPUBLICAN
from services.courses.rules import new_certificate_code, normal_certificate_code
from services.errors import DomainError, NotAllowed
from services.messaging.notify import notify
from services.season.plan import coordinated_regions, region_name
from services.uow import reading, unit_of_work
from storage.dialect import insert_for
from storage.models.awards import Award
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person
from storage.models.volunteers import Volunteer

NOTICE_KIND = "award_letter"
NOTICE_PRIORITY = 5


class AlreadyAwarded(DomainError):
    pass


class VolunteerGone(DomainError):
    """Not an approved volunteer of the awarder's scope (gone, another region, forged)."""


@dataclass(frozen=True)
class Scope:
    """Whose letters someone awards: republican (region_id None) or one region's."""

    level: str
    region_id: int | None
    region: str  # its name in the reader's language; "" for the republic


@dataclass(frozen=True)
class LetterView:
    """Everything printed on a letter, in the reader's language."""

    code: str
    full_name: str
    level: str
    region: str
    season: int
    reason: str | None
    issued_at: datetime
    locale: str


@dataclass(frozen=True)
class Awarded:
    full_name: str
    letter: LetterView


async def _scope(session: AsyncSession, person_id: int, admin: bool, locale: str) -> Scope:
    if admin:
        return Scope(REPUBLICAN, None, "")
    regions = sorted(await coordinated_regions(session, person_id))
    if not regions:
        raise NotAllowed()
    region = await session.get(Region, regions[0])
    return Scope(REGIONAL, regions[0], region_name(region, locale))


async def award_scope(session: AsyncSession, person_id: int, admin: bool, locale: str) -> Scope:
    """Administrators award republican letters, a coordinator their region's (NotAllowed)."""
    async with reading(session):
        return await _scope(session, person_id, admin, locale)


async def candidate(
    session: AsyncSession, person_id: int, admin: bool, volunteer_id: int
) -> tuple[str, bool]:
    """(name, awarded already) of a volunteer this person may award (VolunteerGone)."""
    async with reading(session):
        scope = await _scope(session, person_id, admin, "en")
        found = await _candidate(session, scope, volunteer_id)
        return found[0], found[3]


async def _candidate(
    session: AsyncSession, scope: Scope, volunteer_id: int, season: int | None = None
) -> tuple[str, int, str, bool]:
    query = (
        select(Person.full_name, Person.id, Person.locale, Volunteer.region_id)
        .join(Person, Person.id == Volunteer.person_id)
        .where(Volunteer.id == volunteer_id, Volunteer.status == "approved")
    )
    row = (await session.execute(query)).one_or_none()
    if row is None or (scope.region_id is not None and row[3] != scope.region_id):
        raise VolunteerGone()
    done = False
    if season is not None:
        done = (
            await session.scalar(
                select(Award.id).where(
                    Award.volunteer_id == volunteer_id,
                    Award.season == season,
                    Award.level == scope.level,
                )
            )
        ) is not None
    return row[0] or "", row[1], row[2], done


async def already_awarded(
    session: AsyncSession, person_id: int, admin: bool, volunteer_id: int, season: int
) -> str:
    """The volunteer's name, if this person may award them and they have no letter yet."""
    async with reading(session):
        scope = await _scope(session, person_id, admin, "en")
        name, _, _, done = await _candidate(session, scope, volunteer_id, season)
    if done:
        raise AlreadyAwarded()
    return name


async def award(
    session: AsyncSession,
    person_id: int,
    admin: bool,
    volunteer_id: int,
    season: int,
    reason: str | None,
    notice: Callable[[LetterView], str],
) -> Awarded:
    """One letter per volunteer, level and season: the second (a double tap, another
    coordinator at once) is AlreadyAwarded, settled by the unique constraint in one INSERT.
    The awardee is told through the outbox, in their language (`notice` renders it)."""
    async with unit_of_work(session):
        scope = await _scope(session, person_id, admin, "en")
        name, awardee, their_locale, _ = await _candidate(session, scope, volunteer_id)
        inserted = await session.execute(
            insert_for(session, Award)
            .values(
                code=new_certificate_code(),
                season=season,
                level=scope.level,
                region_id=scope.region_id,
                volunteer_id=volunteer_id,
                reason=(reason or "").strip()[:500] or None,
                awarded_by_id=person_id,
                locale=their_locale,
            )
            .on_conflict_do_nothing(index_elements=["season", "level", "volunteer_id"])
            .returning(Award.id)
        )
        award_id = inserted.scalar_one_or_none()
        if award_id is None:
            raise AlreadyAwarded()
        letter = (await _letters(session, None, Award.id == award_id))[0]
        identity = await session.scalar(
            select(ChannelIdentity.id)
            .where(ChannelIdentity.person_id == awardee)
            .order_by(ChannelIdentity.id)
            .limit(1)
        )
        if identity is not None:
            await notify(
                session,
                identity,
                kind=NOTICE_KIND,
                payload={"text": notice(letter), "locale": their_locale},
                dedup_key=f"{NOTICE_KIND}:{letter.code}",
                priority=NOTICE_PRIORITY,
            )
    return Awarded(name, letter)


async def _letters(session: AsyncSession, locale: str | None, *where: object) -> list[LetterView]:
    rows = (
        await session.execute(
            select(Award, Person.full_name, Person.locale, Region)
            .join(Volunteer, Volunteer.id == Award.volunteer_id)
            .join(Person, Person.id == Volunteer.person_id)
            .outerjoin(Region, Region.id == Award.region_id)
            .where(*where)  # type: ignore[arg-type]
            .order_by(Award.created_at, Award.id)
        )
    ).all()
    found = []
    for letter, full_name, person_locale, region in rows:
        reader = locale or person_locale
        found.append(
            LetterView(
                letter.code,
                full_name or "",
                letter.level,
                region_name(region, reader),
                letter.season,
                letter.reason,
                letter.created_at,
                reader,
            )
        )
    return found


async def my_letters(session: AsyncSession, person_id: int) -> list[LetterView]:
    """The person's letters of gratitude, in their own language."""
    async with reading(session):
        return await _letters(session, None, Volunteer.person_id == person_id)


async def verify_letter(session: AsyncSession, code: str, locale: str) -> LetterView | None:
    """The letter with this code, or None."""
    normal = normal_certificate_code(code)
    if not normal:
        return None
    async with reading(session):
        found = await _letters(session, locale, Award.code == normal)
    return found[0] if found else None
