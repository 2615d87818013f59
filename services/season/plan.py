"""The season plan: a season's items from the seed, tasks per region, "done" with a note, and
the plan's status per region for the administrators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import DomainError, NotAllowed
from services.names import localized, sort_key
from services.roles import Role
from services.season.rules import is_overdue
from services.text import clean_text
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.models.org import Region
from storage.models.people import RoleGrant
from storage.models.season import PlanItem, PlanTask

NOTE_LIMIT = 1000
OPEN, DONE = "open", "done"


@dataclass(frozen=True)
class SeedItem:
    code: str
    month: int
    day: int
    per_region: bool
    kk: str
    ru: str
    en: str


# The seed's deadlines (DOMAIN.md §1).
SEED: tuple[SeedItem, ...] = (
    SeedItem(
        "timetable",
        5,
        22,
        True,
        "Курстардың өңірлік кестесін жауапты адамдарымен бекіту",
        "Утвердить региональное расписание курсов с ответственными лицами",
        "Approve the regional course timetable with responsible persons",
    ),
    SeedItem("courses", 5, 25, True, "Курстарды бекіту", "Утвердить курсы", "Approve the courses"),
    SeedItem(
        "centres",
        5,
        25,
        False,
        "Өңірлік орталықтардың тізімін жасау",
        "Составить список региональных центров",
        "List the regional centres",
    ),
)


class AlreadyDone(DomainError):
    def __init__(self, done_at: datetime | None) -> None:
        super().__init__("already done")
        self.done_at = done_at


class TaskGone(DomainError):
    """No such task (deleted with its season, or a forged id)."""


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    deadline: date
    region_id: int | None
    region: str  # "" for the republic's
    status: str
    overdue: bool
    done_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class RegionStatus:
    region_id: int  # 0: the republic-wide tasks
    name: str
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class PlanStatus:
    season: int
    regions: list[RegionStatus]

    @property
    def overdue_regions(self) -> list[RegionStatus]:
        return [r for r in self.regions if r.overdue]


def title_of(item: PlanItem, locale: str) -> str:
    return localized(locale, item.title, item.title_kk, item.title_ru, item.title_en)


def region_name(region: Region | None, locale: str) -> str:
    if region is None:
        return ""
    return localized(locale, region.name_en, region.name_kk, region.name_ru, region.name_en)


async def add_item(
    session: AsyncSession,
    season: int,
    code: str,
    titles: tuple[str, str, str],
    deadline: date,
    per_region: bool,
    created_by: int | None,
) -> PlanItem | None:
    """An item and its tasks (no commit); None when the season has it already."""
    known = await session.scalar(
        select(PlanItem.id).where(PlanItem.season == season, PlanItem.code == code)
    )
    if known is not None:
        return None
    kk, ru, en = titles
    item = PlanItem(
        season=season,
        code=code,
        title=en,
        title_kk=kk,
        title_ru=ru,
        title_en=en,
        deadline=deadline,
        per_region=per_region,
        created_by_id=created_by,
    )
    session.add(item)
    await session.flush()
    if per_region:
        coordinators = await coordinators_by_region(session)
        regions = (await session.scalars(select(Region.id).order_by(Region.id))).all()
        session.add_all(
            PlanTask(item_id=item.id, region_id=region, responsible_id=coordinators.get(region))
            for region in regions
        )
    else:
        session.add(PlanTask(item_id=item.id, region_id=None, responsible_id=created_by))
    await session.flush()
    return item


async def add_season(session: AsyncSession, season: int, created_by: int | None) -> int:
    """The seed's items for `season` (no commit); how many were new."""
    added = 0
    for seed in SEED:
        item = await add_item(
            session,
            season,
            seed.code,
            (seed.kk, seed.ru, seed.en),
            date(season, seed.month, seed.day),
            seed.per_region,
            created_by,
        )
        added += item is not None
    return added


async def create_season_plan(session: AsyncSession, season: int, admin_id: int) -> int:
    """The administrator's "create the plan": the seed's items, each once."""
    async with unit_of_work(session):
        return await add_season(session, season, admin_id)


async def coordinators_by_region(session: AsyncSession) -> dict[int, int]:
    """Each region's first coordinator (the one invited first)."""
    rows = await session.execute(
        select(RoleGrant.region_id, func.min(RoleGrant.person_id))
        .where(RoleGrant.role == Role.COORDINATOR.value, RoleGrant.region_id.is_not(None))
        .group_by(RoleGrant.region_id)
    )
    return {region: person for region, person in rows.all() if region is not None}


async def coordinated_regions(session: AsyncSession, person_id: int) -> set[int]:
    rows = await session.scalars(
        select(RoleGrant.region_id).where(
            RoleGrant.person_id == person_id,
            RoleGrant.role == Role.COORDINATOR.value,
            RoleGrant.region_id.is_not(None),
        )
    )
    return {region for region in rows.all() if region is not None}


async def _tasks(
    session: AsyncSession, season: int, locale: str, now: datetime, *where: object
) -> list[TaskView]:
    rows = await session.execute(
        select(PlanTask, PlanItem, Region)
        .join(PlanItem, PlanItem.id == PlanTask.item_id)
        .outerjoin(Region, Region.id == PlanTask.region_id)
        .where(PlanItem.season == season, *where)  # type: ignore[arg-type]
        .order_by(PlanItem.deadline, PlanItem.id, PlanTask.region_id)
    )
    return [
        TaskView(
            id=task.id,
            title=title_of(item, locale),
            deadline=item.deadline,
            region_id=task.region_id,
            region=region_name(region, locale),
            status=task.status,
            overdue=task.status == OPEN and is_overdue(item.deadline, now),
            done_at=task.done_at,
            note=task.note,
        )
        for task, item, region in rows.all()
    ]


async def my_tasks(
    session: AsyncSession, person_id: int, season: int, locale: str, now: datetime
) -> list[TaskView]:
    """A coordinator's: the tasks of the regions they coordinate."""
    async with reading(session):
        regions = await coordinated_regions(session, person_id)
        if not regions:
            return []
        return await _tasks(session, season, locale, now, PlanTask.region_id.in_(regions))


async def region_tasks(
    session: AsyncSession, season: int, region_id: int, locale: str, now: datetime
) -> list[TaskView]:
    """An administrator's view of a region (0: the republic-wide tasks)."""
    where = PlanTask.region_id.is_(None) if region_id == 0 else PlanTask.region_id == region_id
    async with reading(session):
        return await _tasks(session, season, locale, now, where)


async def plan_status(session: AsyncSession, season: int, locale: str, now: datetime) -> PlanStatus:
    """Per region (and the republic-wide tasks first): done, open and overdue, in the
    reader's alphabet."""
    async with reading(session):
        rows = await session.execute(
            select(PlanTask.region_id, PlanTask.status, PlanItem.deadline, func.count())
            .join(PlanItem, PlanItem.id == PlanTask.item_id)
            .where(PlanItem.season == season)
            .group_by(PlanTask.region_id, PlanTask.status, PlanItem.deadline)
        )
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for region, status, deadline, n in rows.all():
            slot = counts[region or 0]
            if status == DONE:
                slot[0] += n
            elif is_overdue(deadline, now):
                slot[2] += n
            else:
                slot[1] += n
        regions = {r.id: r for r in await session.scalars(select(Region))}
        found = [
            RegionStatus(rid, region_name(regions.get(rid), locale), *c)
            for rid, c in counts.items()
            if rid in regions
        ]
    found.sort(key=lambda r: sort_key(r.name, locale))
    if 0 in counts:
        found.insert(0, RegionStatus(0, "", *counts[0]))
    return PlanStatus(season, found)


async def may_act_on(session: AsyncSession, person_id: int, admin: bool, task_id: int) -> PlanTask:
    """The task, if this person may see and change it: administrators any, a coordinator
    their region's."""
    task = await session.get(PlanTask, task_id)
    if task is None:
        raise TaskGone
    if admin:
        return task
    if task.region_id is None or task.region_id not in await coordinated_regions(
        session, person_id
    ):
        raise NotAllowed
    return task


async def task_view(
    session: AsyncSession, person_id: int, admin: bool, task_id: int, locale: str, now: datetime
) -> TaskView:
    """One task, for someone who may see it (NotAllowed, TaskGone otherwise)."""
    async with reading(session):
        task = await may_act_on(session, person_id, admin, task_id)
        item = await session.get(PlanItem, task.item_id)
        assert item is not None
        views = await _tasks(session, item.season, locale, now, PlanTask.id == task.id)
    return views[0]


async def mark_done(
    session: AsyncSession,
    person_id: int,
    admin: bool,
    task_id: int,
    note: str | None,
    now: datetime | None = None,
) -> datetime:
    """Done, once: the second "done" (another coordinator's, a double tap) is AlreadyDone.
    Settled by one conditional UPDATE, so two at once cannot both succeed."""
    moment = now or utcnow()
    text = clean_text(note, NOTE_LIMIT) if note else None
    async with unit_of_work(session):
        task = await may_act_on(session, person_id, admin, task_id)
        changed = await session.execute(
            update(PlanTask)
            .where(PlanTask.id == task.id, PlanTask.status == OPEN)
            .values(status=DONE, done_at=moment, done_by_id=person_id, note=text or None)
            .execution_options(synchronize_session=False)
        )
        if not getattr(changed, "rowcount", 0):
            await session.refresh(task)
            raise AlreadyDone(task.done_at)
    return moment
