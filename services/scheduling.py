"""Reminders are derived, not stored as jobs: each tick asks what fell due since the last one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SchedulerMark


@dataclass(frozen=True)
class Due:
    """Something to tell a person; `kind` picks the renderer, `params` fill its text."""

    identity_id: int
    locale: str
    kind: str
    dedup_key: str
    params: dict[str, Any] = field(default_factory=dict)
    priority: int = 0


DueQuery = Callable[[AsyncSession, datetime, datetime], Awaitable[list[Due]]]
DUE_QUERIES: list[DueQuery] = []


def due_query(query: DueQuery) -> DueQuery:
    """Register a feature's due-query with the tick (later issues add theirs)."""
    DUE_QUERIES.append(query)
    return query


def tick_window(
    last: datetime | None, now: datetime, grace: timedelta
) -> tuple[datetime, datetime]:
    """(start, end] to scan: from the last tick, but never further back than the grace period."""
    oldest = now - grace
    start = oldest if last is None else max(last, oldest)
    return min(start, now), now


async def collect_due(
    session: AsyncSession, mark: str, now: datetime, grace: timedelta
) -> tuple[list[Due], datetime]:
    """Everything due since the mark; the caller enqueues it and then calls advance()."""
    record = await session.get(SchedulerMark, mark)
    start, end = tick_window(record.reached_at if record else None, now, grace)
    found: list[Due] = []
    for query in DUE_QUERIES:
        found.extend(await query(session, start, end))
    return found, end


async def advance(session: AsyncSession, mark: str, reached: datetime) -> None:
    record = await session.get(SchedulerMark, mark)
    if record is None:
        session.add(SchedulerMark(name=mark, reached_at=reached))
    elif record.reached_at < reached:
        record.reached_at = reached
    await session.commit()
