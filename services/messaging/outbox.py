"""The outbox: every message promised for later is a row before anyone tries to send it.

Statements on the outbox table; none of them commits (services/messaging/sending.py does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.messaging.statuses import DeliveryStatus
from storage.base import utcnow
from storage.changes import people_changed
from storage.dialect import insert_ignoring_conflicts
from storage.models.messaging import OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity

BACKOFF_CAP = timedelta(minutes=10)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    identity_id: int
    external_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after a server error: 2 s, 4 s, 8 s, ... capped at ten minutes."""
    return min(timedelta(seconds=2**attempts), BACKOFF_CAP)


async def enqueue(
    session: AsyncSession,
    *,
    identity_id: int,
    kind: str,
    payload: dict[str, Any],
    dedup_key: str,
    priority: int = 0,
    not_before: datetime | None = None,
) -> bool:
    """Add a row unless one with the same dedup key exists."""
    row = {
        "identity_id": identity_id,
        "kind": kind,
        "payload": payload,
        "dedup_key": dedup_key,
        "priority": priority,
        "not_before": not_before,
    }
    return await enqueue_many(session, [row]) == 1


async def enqueue_many(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> int:
    """Add rows (identity_id, kind, payload, dedup_key, priority, not_before) in one multi-row
    INSERT, skipping dedup keys that exist; how many were added."""
    if not rows:
        return 0
    now = utcnow()
    values = [
        {
            "identity_id": row["identity_id"],
            "kind": row["kind"],
            "payload": row["payload"],
            "dedup_key": row["dedup_key"],
            "priority": row.get("priority", 0),
            "not_before": row.get("not_before") or now,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for row in rows
    ]
    # An executemany with RETURNING goes as multi-row INSERTs ("insertmanyvalues"), compiled
    # once; the ids returned are those of the rows added.
    table = OutboxMessage.__table__
    statement = insert_ignoring_conflicts(session, table, ["dedup_key"]).returning(table.c.id)
    result = await session.execute(statement, values)
    return len(result.all())


async def claim_due(
    session: AsyncSession, channel: Channel, now: datetime, limit: int, lease: timedelta
) -> list[OutboxItem]:
    """Take up to `limit` due rows, highest priority first; a lapsed claim means its sender died.

    Each statement walks `ix_outbox_due` (status, priority, not_before) in the order it returns
    rows and stops at `limit`: one for lapsed claims, then one per priority lane from the highest,
    found by a seek each. One statement with an OR of the two statuses sorted every due row
    instead (82-300 ms for 600 of 80,000, under the write lock).
    """
    rows = list((await session.execute(_lapsed(channel, now, limit))).all())
    lane = await session.scalar(_top_lane(None))
    taken = 0
    while lane is not None and taken < limit:
        found = (await session.execute(_due_in_lane(channel, lane, now, limit - taken))).all()
        rows.extend(found)
        taken += len(found)
        lane = await session.scalar(_top_lane(lane))
    # Lapsed rows merge into the lanes' order: priority, then due time, then queue order.
    rows.sort(key=lambda row: (-row.priority, row.not_before, row.id))
    items = [OutboxItem(*row[:6]) for row in rows[:limit]]
    if items:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([item.id for item in items]))
            .values(status=OutboxStatus.SENDING, claimed_until=now + lease)
        )
    return items


def _claimable(channel: Channel) -> Select[Any]:
    # Plain columns and one UPDATE: loading and flushing ORM objects made a claim of a few
    # hundred rows stall the sender's event loop for tens of milliseconds.
    return (
        select(
            OutboxMessage.id,
            OutboxMessage.identity_id,
            ChannelIdentity.external_id,
            OutboxMessage.kind,
            OutboxMessage.payload,
            OutboxMessage.attempts,
            OutboxMessage.priority,
            OutboxMessage.not_before,
        )
        .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.blocked.is_(False))
        .with_for_update(of=OutboxMessage, skip_locked=True)
    )


def _lapsed(channel: Channel, now: datetime, limit: int) -> Select[Any]:
    """Rows whose sender died with them in hand: few, found among the rows being sent."""
    return (
        _claimable(channel)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now)
        .order_by(OutboxMessage.priority.desc())
        .limit(limit)
    )


def _top_lane(below: int | None) -> Select[Any]:
    """The highest priority with pending rows (below `below`): one seek in the index.

    Not max(): PostgreSQL may plan that as an aggregate over every pending row."""
    pending = OutboxMessage.status == OutboxStatus.PENDING
    lower = true() if below is None else OutboxMessage.priority < below
    return (
        select(OutboxMessage.priority)
        .where(pending, lower)
        .order_by(OutboxMessage.priority.desc())
        .limit(1)
    )


def _due_in_lane(channel: Channel, priority: int, now: datetime, limit: int) -> Select[Any]:
    return (
        _claimable(channel)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.priority == priority,
            OutboxMessage.not_before <= now,
        )
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )


def claim_statements(channel: Channel, now: datetime, limit: int) -> list[Select[Any]]:
    """The statements a claim runs (a lane's stands for every lane), for their query plans."""
    return [_lapsed(channel, now, limit), _top_lane(0), _due_in_lane(channel, 0, now, limit)]


async def mark_sent_many(
    session: AsyncSession,
    message_ids: Sequence[int],
    provider_sids: Mapping[int, str] | None = None,
) -> None:
    """Mark a group of sent rows; `provider_sids` keeps the provider's id of each message,
    for its status callbacks."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids))
        .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None)
    )
    if provider_sids:
        # One executemany by primary key for the whole group.
        await session.execute(
            update(OutboxMessage),
            [
                {"id": message_id, "provider_sid": sid, "delivery_status": DeliveryStatus.QUEUED}
                for message_id, sid in provider_sids.items()
            ],
        )


async def release(session: AsyncSession, message_id: int, not_before: datetime) -> None:
    """Put a row back untouched (rate limited, or not yet its chat's turn).

    Only a row still being sent: one blocked meanwhile stays blocked.
    """
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, not_before=not_before)
    )


async def record_failure(
    session: AsyncSession, item: OutboxItem, error: str, *, max_attempts: int, retryable: bool
) -> str:
    """Count a failed attempt; retry later with back-off or give up keeping the error."""
    attempts = item.attempts + 1
    retry = retryable and attempts < max_attempts
    values: dict[str, Any] = {"attempts": attempts, "last_error": error}
    if retry:
        values.update(status=OutboxStatus.PENDING, not_before=utcnow() + retry_delay(attempts))
    else:
        values.update(status=OutboxStatus.FAILED)
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == item.id).values(values))
    return OutboxStatus.PENDING if retry else OutboxStatus.FAILED


async def mark_blocked(session: AsyncSession, item: OutboxItem, error: str) -> list[int]:
    """The person blocked the bot: stop sending to that identity, keep the rows as evidence.

    Returns the ids of the rows that will not go, so they can try the person's other channel.
    """
    now = utcnow()
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.id == item.identity_id)
        .values(blocked=True, blocked_at=now)
    )
    people_changed(session, identities=[item.identity_id])
    stopped = list(
        await session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.identity_id == item.identity_id,
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            )
            .values(status=OutboxStatus.BLOCKED, last_error=error)
            .returning(OutboxMessage.id)
        )
    )
    return stopped


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows.all()}
