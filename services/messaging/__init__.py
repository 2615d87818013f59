"""Messages the bot sends on its own: what /mydata shows of them and what the purge drops."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks, deleted
from storage.models.messaging import EarlyStatus, OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity

SENT_MESSAGE_RETENTION = timedelta(days=30)
EARLY_STATUS_RETENTION = timedelta(days=1)
FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.BLOCKED)


async def export_messages(session: AsyncSession, person_id: int) -> dict[str, Any]:
    rows = await session.execute(
        select(
            OutboxMessage.kind,
            OutboxMessage.status,
            OutboxMessage.not_before,
            OutboxMessage.sent_at,
            OutboxMessage.payload,
        )
        .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(ChannelIdentity.person_id == person_id)
        .order_by(OutboxMessage.id)
    )
    fields = ("kind", "status", "not_before", "sent_at", "payload")
    return {"scheduled_messages": [dict(zip(fields, row, strict=True)) for row in rows.all()]}


async def purge_finished(session: AsyncSession, now: datetime, limit: int) -> int:
    return await deleted(
        session,
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(FINISHED),
            OutboxMessage.created_at < now - SENT_MESSAGE_RETENTION,
        ),
        limit,
    )


async def purge_early_statuses(session: AsyncSession, now: datetime, limit: int) -> int:
    """Reports for messages that never turned out to be ours."""
    return await deleted(
        session,
        delete(EarlyStatus).where(EarlyStatus.received_at < now - EARLY_STATUS_RETENTION),
        limit,
    )


# Outbox rows cascade from the person's accounts: /forget needs nothing more.
HOOKS = Hooks(
    export=export_messages,
    purge={"outbox_messages": purge_finished, "early_statuses": purge_early_statuses},
)
