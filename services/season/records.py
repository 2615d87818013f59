"""What /mydata shows of the plan and what /forget does to it.

Tasks are the organisation's records: a person's part in them is their id. /mydata lists the
tasks they are responsible for and those they marked done (with the note they wrote); /forget
empties those ids and keeps the plan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.org import Region
from storage.models.season import PlanItem, PlanTask


async def export_tasks(session: AsyncSession, person_id: int) -> dict[str, Any]:
    rows = await session.execute(
        select(PlanTask, PlanItem, Region.code)
        .join(PlanItem, PlanItem.id == PlanTask.item_id)
        .outerjoin(Region, Region.id == PlanTask.region_id)
        .where(or_(PlanTask.responsible_id == person_id, PlanTask.done_by_id == person_id))
        .order_by(PlanItem.season, PlanItem.deadline, PlanTask.id)
    )
    tasks = [
        {
            "season": item.season,
            "item": item.title,
            "deadline": item.deadline.isoformat(),
            "region": region,
            "responsible": task.responsible_id == person_id,
            "status": task.status,
            "marked_done_by_you": task.done_by_id == person_id,
            "done_at": task.done_at.isoformat() if task.done_at else None,
            "note": task.note if task.done_by_id == person_id else None,
        }
        for task, item, region in rows.all()
    ]
    return {"season_plan_tasks": tasks} if tasks else {}


async def forget_tasks(session: AsyncSession, person_id: int) -> None:
    """The foreign keys SET NULL too; said here so it does not depend on the backend."""
    await session.execute(
        update(PlanTask).where(PlanTask.responsible_id == person_id).values(responsible_id=None)
    )
    await session.execute(
        update(PlanTask).where(PlanTask.done_by_id == person_id).values(done_by_id=None)
    )
    await session.execute(
        update(PlanItem).where(PlanItem.created_by_id == person_id).values(created_by_id=None)
    )
