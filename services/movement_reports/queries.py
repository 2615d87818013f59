"""The report's figures: a handful of GROUP BY queries per level, whatever the number of
volunteers, schools or marks (tests/test_movement_reports.py counts the statements)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import NotAllowed
from services.movement_reports.rules import ALMATY, Period, Window, attendance_rate, window
from services.names import localized, sort_key
from services.roles import Role
from services.uow import reading
from storage.models.courses import Attendance, Certificate, CourseSession, Enrolment
from storage.models.org import Region
from storage.models.people import RoleGrant
from storage.models.volunteers import Institution, School, Squad, SquadSchool, Volunteer

NO_SQUAD = 0  # the row of a region's volunteers in no squad
UNCOVERED_LIMIT = 5000  # a sheet's list of schools without a squad is cut there


@dataclass(frozen=True)
class Row:
    """One region's or squad's figures. `expected`: sessions the enrolled could attend so far."""

    key: int
    name: str
    registered: int = 0
    approved: int = 0
    expected: int = 0
    attended: int = 0
    certificates: int = 0
    schools: int = 0
    covered: int = 0

    @property
    def rate(self) -> float | None:
        return attendance_rate(self.attended, self.expected)

    @property
    def uncovered(self) -> int:
        return self.schools - self.covered


@dataclass(frozen=True)
class UncoveredSchool:
    region: str
    district: str
    name: str


@dataclass(frozen=True)
class Report:
    """region_id None: the republic, a row per region; else that region, a row per squad."""

    region_id: int | None
    scope: str  # the region's name, or "" for the republic
    period: Period
    total: Row
    regions: list[Row]
    squads: list[Row] = field(default_factory=list)
    uncovered: list[UncoveredSchool] = field(default_factory=list)


async def coordinated_regions(session: AsyncSession, person_id: int) -> list[int]:
    rows = await session.scalars(
        select(RoleGrant.region_id)
        .where(
            RoleGrant.person_id == person_id,
            RoleGrant.role == Role.COORDINATOR.value,
            RoleGrant.region_id.is_not(None),
        )
        .order_by(RoleGrant.region_id)
    )
    return [region for region in rows.all() if region is not None]


async def report_scopes(
    session: AsyncSession, person_id: int, is_admin: bool, locale: str
) -> list[tuple[int, str]]:
    """The regions the person may open, named in their language and alphabet; an
    administrator may also open the republic (not listed here)."""
    async with reading(session):
        allowed = None if is_admin else set(await coordinated_regions(session, person_id))
        regions = await _region_names(session, locale)
    named = [item for item in regions.items() if allowed is None or item[0] in allowed]
    return sorted(named, key=lambda item: sort_key(item[1], locale))


async def build_report(
    session: AsyncSession,
    person_id: int,
    is_admin: bool,
    region_id: int | None,
    period: Period,
    locale: str,
    now: datetime,
) -> Report:
    """The republic's report (administrators) or a region's (theirs, or any for an admin).
    NotAllowed for anyone else: a coordinator never sees another region."""
    span = window(period, now)
    today = now.astimezone(ALMATY).date()
    async with reading(session):
        if not is_admin and (
            region_id is None or region_id not in await coordinated_regions(session, person_id)
        ):
            raise NotAllowed
        names = await _region_names(session, locale)
        if region_id is not None and region_id not in names:
            raise NotAllowed
        where = [] if region_id is None else [Volunteer.region_id == region_id]
        regions = await _rows(
            session,
            Volunteer.region_id,
            where,
            span,
            now,
            names,
        )
        schools = await _region_schools(session, today, region_id)
        regions = [
            replace(
                row,
                schools=schools.get(row.key, (0, 0))[0],
                covered=schools.get(row.key, (0, 0))[1],
            )
            for row in regions
            if row.key in names and (region_id is None or row.key == region_id)
        ]
        squads: list[Row] = []
        if region_id is not None:
            squads = await _squad_rows(session, region_id, span, now, today)
        uncovered = await _uncovered(session, today, region_id, locale)
        scope = "" if region_id is None else names[region_id]
    regions.sort(key=lambda row: sort_key(row.name, locale))
    return Report(
        region_id=region_id,
        scope=scope,
        period=period,
        total=_sum(regions),
        regions=regions,
        squads=squads,
        uncovered=uncovered,
    )


async def _region_names(session: AsyncSession, locale: str) -> dict[int, str]:
    """Every region's name in the reader's language (columns, not rows that could expire)."""
    rows = await session.execute(select(Region.id, *_NAMES))
    return {id_: _region_name(locale, *given) for id_, *given in rows.all()}


_NAMES = (Region.name_en, Region.name_kk, Region.name_ru, Region.name_en)


def _region_name(locale: str, given: str, kk: str, ru: str, en: str) -> str:
    return localized(locale, given, kk, ru, en)


def _sum(rows: Iterable[Row]) -> Row:
    total = Row(key=0, name="")
    for row in rows:
        total = replace(
            total,
            registered=total.registered + row.registered,
            approved=total.approved + row.approved,
            expected=total.expected + row.expected,
            attended=total.attended + row.attended,
            certificates=total.certificates + row.certificates,
            schools=total.schools + row.schools,
            covered=total.covered + row.covered,
        )
    return total


def _in(column: Any, span: Window) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if span.start is not None:
        found.append(column >= span.start)
    if span.end is not None:
        found.append(column < span.end)
    return found


def _active(today: date) -> ColumnElement[bool]:
    """SquadSchool attached today (rules.attached_on, in SQL)."""
    return and_(
        SquadSchool.starts_on <= today,
        or_(SquadSchool.ends_on.is_(None), SquadSchool.ends_on >= today),
    )


async def _grouped(session: AsyncSession, statement: Any) -> dict[int, tuple[int, ...]]:
    rows = await session.execute(statement)
    return {int(key or NO_SQUAD): tuple(int(v or 0) for v in values) for key, *values in rows}


async def _rows(
    session: AsyncSession,
    key: Any,
    where: list[ColumnElement[bool]],
    span: Window,
    now: datetime,
    names: dict[int, str],
) -> list[Row]:
    """Volunteers, attendance and certificates grouped by `key` (a Volunteer column): four
    statements. A row for every named key, and for any other key that has figures."""
    approved = func.sum(case((Volunteer.status == "approved", 1), else_=0))
    people = await _grouped(
        session, select(key, func.count(Volunteer.id), approved).where(*where).group_by(key)
    )
    held = [CourseSession.starts_at <= now, *_in(CourseSession.starts_at, span)]
    expected = await _grouped(
        session,
        select(key, func.count())
        .select_from(Enrolment)
        .join(Volunteer, Volunteer.id == Enrolment.volunteer_id)
        .join(CourseSession, CourseSession.course_id == Enrolment.course_id)
        .where(*where, *held)
        .group_by(key),
    )
    attended = await _grouped(
        session,
        select(key, func.count())
        .select_from(Attendance)
        .join(Volunteer, Volunteer.id == Attendance.volunteer_id)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(*where, *held)
        .group_by(key),
    )
    certificates = await _grouped(
        session,
        select(key, func.count())
        .select_from(Certificate)
        .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
        .where(*where, Certificate.kind == "certificate", *_in(Certificate.issued_at, span))
        .group_by(key),
    )
    keys = set(names) | set(people) | set(expected) | set(attended) | set(certificates)
    return [
        Row(
            key=k,
            name=names.get(k, ""),
            registered=people.get(k, (0, 0))[0],
            approved=people.get(k, (0, 0))[1],
            expected=expected.get(k, (0,))[0],
            attended=attended.get(k, (0,))[0],
            certificates=certificates.get(k, (0,))[0],
        )
        for k in keys
    ]


async def _region_schools(
    session: AsyncSession, today: date, region_id: int | None
) -> dict[int, tuple[int, int]]:
    """Per region: (schools, schools with a squad attached today)."""
    where = [] if region_id is None else [School.region_id == region_id]
    total = await _grouped(
        session, select(School.region_id, func.count()).where(*where).group_by(School.region_id)
    )
    covered = await _grouped(
        session,
        select(School.region_id, func.count(func.distinct(School.id)))
        .join(SquadSchool, SquadSchool.school_id == School.id)
        .where(*where, _active(today))
        .group_by(School.region_id),
    )
    return {k: (total[k][0], covered.get(k, (0,))[0]) for k in total}


async def _squad_rows(
    session: AsyncSession, region_id: int, span: Window, now: datetime, today: date
) -> list[Row]:
    """A region's squads (institution — squad), then its volunteers in no squad."""
    squads = (
        await session.execute(
            select(Squad.id, Squad.name, Institution.name)
            .join(Institution, Institution.id == Squad.institution_id)
            .where(Institution.region_id == region_id)
            .order_by(Institution.name, Squad.name)
        )
    ).all()
    names = {id_: f"{institution} — {name}" for id_, name, institution in squads}
    rows = await _rows(
        session, Volunteer.squad_id, [Volunteer.region_id == region_id], span, now, names
    )
    covered = await _grouped(
        session,
        select(SquadSchool.squad_id, func.count(func.distinct(SquadSchool.school_id)))
        .join(School, School.id == SquadSchool.school_id)
        .where(School.region_id == region_id, _active(today))
        .group_by(SquadSchool.squad_id),
    )
    order = {id_: n for n, (id_, *_) in enumerate(squads)}
    rows = [replace(row, covered=covered.get(row.key, (0,))[0]) for row in rows]
    return sorted(
        (row for row in rows if row.key != NO_SQUAD or row.registered),
        key=lambda row: order.get(row.key, len(order)),
    )


async def _uncovered(
    session: AsyncSession, today: date, region_id: int | None, locale: str
) -> list[UncoveredSchool]:
    attached = exists().where(SquadSchool.school_id == School.id, _active(today))
    statement = (
        select(*_NAMES, School.district, School.name)
        .join(Region, Region.id == School.region_id)
        .where(~attached)
        .limit(UNCOVERED_LIMIT)
    )
    if region_id is not None:
        statement = statement.where(School.region_id == region_id)
    found = [
        UncoveredSchool(_region_name(locale, given, kk, ru, en), district, name)
        for given, kk, ru, en, district, name in (await session.execute(statement)).all()
    ]
    return sorted(
        found,
        key=lambda s: (
            sort_key(s.region, locale),
            sort_key(s.district, locale),
            sort_key(s.name, locale),
        ),
    )
