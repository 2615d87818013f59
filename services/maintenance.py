"""Scheduled purges: keep personal and technical data only as long as it serves a purpose."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FsmRecord, Invite, OutboxMessage, OutboxStatus, ProcessedUpdate

SENT_MESSAGE_RETENTION = timedelta(days=30)
ABANDONED_CONVERSATION = timedelta(days=2)


async def purge(
    session: AsyncSession, now: datetime, update_retention: timedelta
) -> dict[str, int]:
    """Drop old dedup ids, finished outbox rows, expired invites and abandoned conversations."""
    statements = {
        "processed_updates": delete(ProcessedUpdate).where(
            ProcessedUpdate.processed_at < now - update_retention
        ),
        "outbox_messages": delete(OutboxMessage).where(
            OutboxMessage.status.in_(
                [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.BLOCKED]
            ),
            OutboxMessage.created_at < now - SENT_MESSAGE_RETENTION,
        ),
        "invites": delete(Invite).where(Invite.expires_at < now - timedelta(days=30)),
        # A half-finished /start holds a chosen language and nothing else; drop it after a while.
        "conversations": delete(FsmRecord).where(
            FsmRecord.updated_at < now - ABANDONED_CONVERSATION
        ),
    }
    counts = {}
    for name, statement in statements.items():
        result = await session.execute(statement)
        counts[name] = int(getattr(result, "rowcount", 0) or 0)
    await session.commit()
    return counts
