"""Reminders are derived, not stored as jobs: each tick asks what fell due since the last one."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Due, DueQuery, Renderer
from services.messaging.notify import Notice, notify_many
from services.uow import reading, unit_of_work
from storage.dialect import insert_for
from storage.models.system import SchedulerMark

# Rows per commit: SQLite's write lock is free between two, so updates never wait long.
CHUNK = 500


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
    chunk: int = CHUNK,
) -> int:
    """Queue everything due since the mark, a commit every `chunk` rows, then move the mark.

    The mark moves last, in its own commit: a tick cut short leaves it where it was, and the
    next one scans the same window again, its dedup keys skipping what was queued already (so a
    repeated or concurrent tick is harmless too). Returns how many were queued.
    """
    start, end = tick_window(await last_reached(session, mark), now, grace)
    queued = 0
    for query in queries:
        async with reading(session):
            found = await query(session, start, end)
        notices = rendered(found, render)
        for first in range(0, len(notices), chunk):
            async with unit_of_work(session):
                queued += await notify_many(session, notices[first : first + chunk])
    async with unit_of_work(session):
        await _advance(session, mark, end)
    return queued


async def last_reached(session: AsyncSession, mark: str) -> datetime | None:
    """Where the tick named `mark` got to (None: it never ran)."""
    async with reading(session):
        return await session.scalar(
            select(SchedulerMark.reached_at).where(SchedulerMark.name == mark)
        )


def rendered(found: Sequence[Due], render: Renderer) -> list[Notice]:
    """Each distinct text rendered once (per kind, locale and params), not once per person."""
    texts: dict[Hashable, dict[str, Any]] = {}
    notices = []
    for due in found:
        key: Hashable | None
        try:
            key = (due.kind, due.locale, frozenset(due.params.items()))
            payload = texts.get(key)
        except TypeError:  # a list or dict among the params: rendered on its own
            key, payload = None, None
        if payload is None:
            payload = render(due)
            if key is not None:
                texts[key] = payload
        notices.append(Notice(due.identity_id, due.kind, payload, due.dedup_key, due.priority))
    return notices


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
