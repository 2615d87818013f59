"""What the provider tells us after sending: delivered, read, failed. Statuses only move forward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify import fall_back
from storage.models import EarlyStatus, OutboxMessage

# Callbacks may arrive in any order: a late "sent" must not undo "read".
STATUS_RANK = {
    "accepted": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "failed": 3,
    "undelivered": 3,
    "delivered": 4,
    "read": 5,
}
NOT_DELIVERED = frozenset({"failed", "undelivered"})


@dataclass(frozen=True)
class StatusChange:
    message_id: int
    status: str
    fallback_id: int | None = None


def moves_forward(current: str | None, new: str) -> bool:
    """Whether a callback saying `new` may replace `current`; unknown statuses never do."""
    if new not in STATUS_RANK:
        return False
    return current is None or STATUS_RANK[new] > STATUS_RANK.get(current, -1)


async def record_status(
    session: AsyncSession,
    provider_sid: str,
    status: str,
    error_code: str | None,
    now: datetime,
) -> StatusChange | None:
    """Apply a provider's status callback; None when it is out of date or not ours yet."""
    row = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_sid == provider_sid)
    )
    if row is None:
        # The callback can come before the sender has stored the message's id: keep it.
        await _keep_early(session, provider_sid, status, error_code, now)
        await session.commit()
        return None
    change = await _apply(session, row, status, error_code, now)
    await session.commit()
    return change


async def apply_early_statuses(session: AsyncSession, provider_sids: list[str]) -> int:
    """Statuses that arrived before their messages' ids were stored; how many applied."""
    early = list(
        await session.scalars(
            select(EarlyStatus).where(EarlyStatus.provider_sid.in_(provider_sids))
        )
    )
    applied = 0
    for kept in early:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_sid == kept.provider_sid)
        )
        if row is not None:
            applied += (
                await _apply(session, row, kept.status, kept.error_code, kept.received_at)
                is not None
            )
            await session.delete(kept)
    await session.commit()
    return applied


async def _apply(
    session: AsyncSession, row: OutboxMessage, status: str, error_code: str | None, now: datetime
) -> StatusChange | None:
    if not moves_forward(row.delivery_status, status):
        return None
    row.delivery_status = status
    row.delivery_updated_at = now
    if error_code:
        row.delivery_error = error_code[:32]
    fallback_id = None
    if status in NOT_DELIVERED:
        # Sent to the provider but never reached the phone: try the person's other channel.
        fallback_id = await fall_back(session, row.id)
    return StatusChange(row.id, status, fallback_id)


async def _keep_early(
    session: AsyncSession, provider_sid: str, status: str, error_code: str | None, now: datetime
) -> None:
    if status not in STATUS_RANK:
        return
    kept = await session.get(EarlyStatus, provider_sid)
    if kept is None:
        session.add(
            EarlyStatus(
                provider_sid=provider_sid[:64],
                status=status,
                error_code=(error_code or None) and error_code[:32],
                received_at=now,
            )
        )
    elif moves_forward(kept.status, status):
        kept.status, kept.error_code, kept.received_at = status, error_code, now


async def delivery_counts(session: AsyncSession, kind: str) -> dict[str, int]:
    """How many messages of a kind (a broadcast, say) reached each status; read ones included."""
    rows = await session.execute(
        select(OutboxMessage.delivery_status, func.count())
        .where(OutboxMessage.kind == kind, OutboxMessage.delivery_status.is_not(None))
        .group_by(OutboxMessage.delivery_status)
    )
    return {str(status): count for status, count in rows.all()}
