"""Reminders are derived, not stored as jobs: each tick asks what fell due since the last one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import DueQuery, Renderer
from services.messaging.notify import notify
from services.uow import unit_of_work
from storage.dialect import insert_for
from storage.models.system import SchedulerMark


def tick_window(
    last: datetime | None, now: datetime, grace: timedelta
) -> tuple[datetime, datetime]:
    """(start, end] to scan: from the last tick, but never further back than the grace period."""
    oldest = now - grace
    start = oldest if last is None else max(last, oldest)
    return min(start, now), now


async def enqueue_due(
    session: AsyncSession,
    mark: str,
    now: datetime,
    grace: timedelta,
    queries: Sequence[DueQuery],
    render: Renderer,
) -> int:
    """Queue everything due since the mark and move the mark, in one commit.

    Dedup keys make a repeated or concurrent tick harmless. Returns how many were queued.
    """
    async with unit_of_work(session):
        last = await session.scalar(
            select(SchedulerMark.reached_at).where(SchedulerMark.name == mark)
        )
        start, end = tick_window(last, now, grace)
        queued = 0
        for query in queries:
            for due in await query(session, start, end):
                queued += await notify(
                    session,
                    due.identity_id,
                    kind=due.kind,
                    payload=render(due),
                    dedup_key=due.dedup_key,
                    priority=due.priority,
                )
        await _advance(session, mark, end)
    return queued


async def _advance(session: AsyncSession, mark: str, reached: datetime) -> None:
    """Only forward, in one statement: two ticks at once cannot collide or move it back."""
    await session.execute(
        insert_for(session, SchedulerMark)
        .values(name=mark, reached_at=reached)
        .on_conflict_do_update(
            index_elements=["name"],
            set_={"reached_at": reached},
            where=SchedulerMark.reached_at < reached,
        )
    )
