"""What the provider tells us after sending: delivered, read, failed. Statuses only move forward.

Each report is applied by one conditional statement, so two reports racing for one message
(a "delivered" and a "read" arriving together) end at the higher one whatever their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.messaging.notify import fall_back
from services.messaging.statuses import RANK, DeliveryStatus
from services.uow import reading, unit_of_work
from storage.dialect import insert_for
from storage.models.messaging import EarlyStatus, OutboxMessage

ERROR_CODE_LIMIT = 32


@dataclass(frozen=True)
class StatusChange:
    message_id: int
    status: DeliveryStatus
    fallback_id: int | None = None


def _rank(column: Any) -> Any:
    return case({status.value: rank for status, rank in RANK.items()}, value=column, else_=-1)


async def record_status(
    session: AsyncSession,
    provider_sid: str,
    status: DeliveryStatus,
    error_code: str | None,
    now: datetime,
) -> StatusChange | None:
    """Apply a provider's status report; None when it is out of date or not ours yet."""
    async with unit_of_work(session):
        change = await _apply(session, provider_sid, status, error_code, now)
        kept = change is None and not await _known(session, provider_sid)
        if kept:
            # The report can come before the sender has stored the message's id: keep it.
            await _keep_early(session, provider_sid, status, error_code, now)
    if kept:
        # The sender may have stored the id meanwhile, after it looked for early reports and
        # before ours was committed: each side looks again after its own commit.
        async with unit_of_work(session):
            if await _known(session, provider_sid):
                await apply_early_statuses(session, [provider_sid])
    return change


async def apply_early_statuses(session: AsyncSession, provider_sids: list[str]) -> int:
    """Reports that arrived before their messages' ids were stored; how many applied.

    Runs in the caller's unit of work (the sender's commit of the sent rows).
    """
    early = list(
        (
            await session.execute(
                select(
                    EarlyStatus.provider_sid,
                    EarlyStatus.status,
                    EarlyStatus.error_code,
                    EarlyStatus.received_at,
                ).where(EarlyStatus.provider_sid.in_(provider_sids))
            )
        ).all()
    )
    applied = 0
    known = {status.value for status in DeliveryStatus}
    for sid, status, error_code, received_at in early:
        if status in known:  # a word an older version stored is dropped
            change = await _apply(session, sid, DeliveryStatus(status), error_code, received_at)
            applied += change is not None
    await session.execute(delete(EarlyStatus).where(EarlyStatus.provider_sid.in_(provider_sids)))
    return applied


async def _apply(
    session: AsyncSession,
    provider_sid: str,
    status: DeliveryStatus,
    error_code: str | None,
    now: datetime,
) -> StatusChange | None:
    values: dict[str, Any] = {"delivery_status": status, "delivery_updated_at": now}
    if error_code:
        values["delivery_error"] = error_code[:ERROR_CODE_LIMIT]
    message_id = await session.scalar(
        update(OutboxMessage)
        .where(
            OutboxMessage.provider_sid == provider_sid,
            _rank(OutboxMessage.delivery_status) < RANK[status],
        )
        .values(values)
        .returning(OutboxMessage.id)
    )
    if message_id is None:
        return None
    fallback_id = None
    if status is DeliveryStatus.FAILED:
        # Sent to the provider but never reached the phone: try the person's other channel.
        fallback_id = await fall_back(session, message_id)
    return StatusChange(message_id, status, fallback_id)


async def _known(session: AsyncSession, provider_sid: str) -> bool:
    found = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.provider_sid == provider_sid)
    )
    return found is not None


async def _keep_early(
    session: AsyncSession,
    provider_sid: str,
    status: DeliveryStatus,
    error_code: str | None,
    now: datetime,
) -> None:
    values = {
        "status": status,
        "error_code": (error_code or None) and error_code[:ERROR_CODE_LIMIT],
        "received_at": now,
    }
    insert = insert_for(session, EarlyStatus).values(provider_sid=provider_sid[:64], **values)
    # Two early reports at once: one row, holding the higher status.
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["provider_sid"],
            set_=values,
            where=_rank(EarlyStatus.status) < RANK[status],
        )
    )


async def delivery_counts(session: AsyncSession, kind: str) -> dict[str, int]:
    """How many messages of a kind (a broadcast, say) reached each status; read ones included."""
    async with reading(session):
        rows = await session.execute(
            select(OutboxMessage.delivery_status, func.count())
            .where(OutboxMessage.kind == kind, OutboxMessage.delivery_status.is_not(None))
            .group_by(OutboxMessage.delivery_status)
        )
        return {str(status): count for status, count in rows.all()}
