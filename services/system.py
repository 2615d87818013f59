"""The machinery's own records: how long update ids and abandoned conversations are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks, Purger, deleted
from storage.models.system import FsmRecord, ProcessedUpdate

ABANDONED_CONVERSATION = timedelta(days=2)


def system_hooks(update_retention: timedelta) -> Hooks:
    async def purge_updates(session: AsyncSession, now: datetime, limit: int) -> int:
        return await deleted(
            session,
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - update_retention),
            limit,
        )

    purges: dict[str, Purger] = {
        "processed_updates": purge_updates,
        "conversations": purge_conversations,
    }
    return Hooks(purge=purges)


async def purge_conversations(session: AsyncSession, now: datetime, limit: int) -> int:
    """A half-finished /start holds a chosen language and nothing else; drop it after a while."""
    return await deleted(
        session,
        delete(FsmRecord).where(FsmRecord.updated_at < now - ABANDONED_CONVERSATION),
        limit,
    )
