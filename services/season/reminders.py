"""The plan's reminders, found by the scheduler's tick: to the responsible person (or the
region's coordinators) before the deadline, and to the administrators when a task is overdue.

Each query asks only for the deadlines whose stage falls in the tick's window (a few dates, or
none: then no query), through the index on plan_item.deadline, then the open tasks of those items
through (item_id, status): the cost grows with what is due, not with the plan or the people.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Due
from services.names import sort_key
from services.roles import Role
from services.season.plan import OPEN, region_name, title_of
from services.season.rules import STAGES, Stage, deadlines_due
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person, RoleGrant
from storage.models.season import PlanItem, PlanTask

REMINDER = "plan_reminder"
OVERDUE = "plan_overdue"


async def _open_tasks(
    session: AsyncSession, stage: Stage, start: datetime, end: datetime
) -> list[tuple[PlanTask, PlanItem]]:
    days = list(deadlines_due(stage, start, end))
    if not days:
        return []
    rows = await session.execute(open_tasks(days[0], days[-1]))
    return [(task, item) for task, item in rows.all()]


def open_tasks(first: date, last: date) -> Select[PlanTask, PlanItem]:
    """The open tasks of the items due from `first` to `last` (the days a stage's moment
    falls in a window are consecutive): plan_item by its deadline index, then plan_task by
    (item_id, status)."""
    due = select(PlanItem.id).where(PlanItem.deadline.between(first, last))
    return (
        select(PlanTask, PlanItem)
        .join(PlanItem, PlanItem.id == PlanTask.item_id)
        .where(PlanTask.item_id.in_(due), PlanTask.status == OPEN)
        .order_by(PlanTask.id)
    )


async def _people(session: AsyncSession, person_ids: set[int]) -> dict[int, tuple[int, str]]:
    """Each person's (an account, locale); notify routes the account to the preferred one."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Person.id, func.min(ChannelIdentity.id), Person.locale)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Person.id.in_(person_ids))
        .group_by(Person.id, Person.locale)
    )
    return {person: (identity, locale) for person, identity, locale in rows.all()}


async def _admins(session: AsyncSession) -> set[int]:
    rows = await session.scalars(
        select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN.value)
    )
    return set(rows.all())


async def _regions(session: AsyncSession, ids: set[int]) -> dict[int, Region]:
    if not ids:
        return {}
    return {r.id: r for r in await session.scalars(select(Region).where(Region.id.in_(ids)))}


async def reminders_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
    """7 and 1 days before the deadline: to the task's responsible person; without one, to
    the region's coordinators (the republic's task: to the administrators)."""
    found: list[Due] = []
    for stage in (s for s in STAGES if not s.escalation):
        tasks = await _open_tasks(session, stage, start, end)
        if not tasks:
            continue
        unassigned = {t.region_id for t, _ in tasks if t.responsible_id is None and t.region_id}
        coordinators: dict[int, set[int]] = defaultdict(set)
        if unassigned:
            rows = await session.execute(
                select(RoleGrant.region_id, RoleGrant.person_id).where(
                    RoleGrant.role == Role.COORDINATOR.value, RoleGrant.region_id.in_(unassigned)
                )
            )
            for region, person in rows.all():
                if region is not None:
                    coordinators[region].add(person)
        admins = await _admins(session)
        recipients: list[tuple[PlanTask, PlanItem, set[int]]] = []
        for task, item in tasks:
            if task.responsible_id is not None:
                chosen = {task.responsible_id}
            elif task.region_id is not None:
                chosen = coordinators.get(task.region_id, set())
            else:
                chosen = admins
            recipients.append((task, item, chosen))
        people = await _people(session, {p for _, _, ps in recipients for p in ps})
        regions = await _regions(session, {t.region_id for t, _ in tasks if t.region_id})
        for task, item, persons in recipients:
            for person in sorted(persons):
                if person not in people:
                    continue  # nobody reachable: the escalation will tell the admins
                identity, locale = people[person]
                params = {
                    "title": title_of(item, locale),
                    "region": region_name(regions.get(task.region_id or 0), locale),
                    "deadline": item.deadline.isoformat(),
                    "days": -stage.days,
                }
                key = f"{REMINDER}:{stage.name}:{task.id}:{person}"
                found.append(Due(identity, locale, REMINDER, key, params))
    return found


async def escalations_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
    """The day after the deadline: each administrator is told, once per item, which regions
    have not done it."""
    stage = next(s for s in STAGES if s.escalation)
    tasks = await _open_tasks(session, stage, start, end)
    if not tasks:
        return []
    people = await _people(session, await _admins(session))
    regions = await _regions(session, {t.region_id for t, _ in tasks if t.region_id})
    by_item: dict[int, tuple[PlanItem, list[PlanTask]]] = {}
    for task, item in tasks:
        by_item.setdefault(item.id, (item, []))[1].append(task)
    found: list[Due] = []
    for item, open_tasks in by_item.values():
        for person, (identity, locale) in sorted(people.items()):
            names = sorted(
                (region_name(regions.get(t.region_id), locale) for t in open_tasks if t.region_id),
                key=lambda name: sort_key(name, locale),
            )
            params = {
                "title": title_of(item, locale),
                "deadline": item.deadline.isoformat(),
                "regions": ", ".join(names),
                "count": len(names),
            }
            key = f"{OVERDUE}:{item.id}:{person}"
            found.append(Due(identity, locale, OVERDUE, key, params, priority=1))
    return found
