"""Incoming update deduplication: a redelivered update is handled once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.dialect import insert_ignoring_conflicts
from storage.models import ProcessedUpdate


async def first_time_seen(session: AsyncSession, channel: str, update_key: str) -> bool:
    """Record the update id in the update's transaction; False when it was handled before."""
    result = await session.execute(
        insert_ignoring_conflicts(session, ProcessedUpdate, ["channel", "update_key"]).values(
            channel=channel, update_key=update_key, processed_at=utcnow()
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def seen_before(session: AsyncSession, channel: str, update_key: str) -> bool:
    """Read-only: lets a transport skip a redelivery before it acts on it."""
    return (
        await session.scalar(
            select(ProcessedUpdate.update_key).where(
                ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == update_key
            )
        )
        is not None
    )
