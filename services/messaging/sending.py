"""The outbox sender's units of work: claim, sent, put back, failed, blocked; each commits once.

A row that fails for good, or whose recipient blocked us, is queued once on the person's other
channel in the same commit, so a crash cannot keep one without the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.messaging import outbox
from services.messaging.delivery import apply_early_statuses
from services.messaging.notify import fall_back
from services.messaging.outbox import OutboxItem
from services.uow import unit_of_work
from storage.models.messaging import OutboxStatus


async def claim(
    session: AsyncSession, channel: Channel, now: datetime, limit: int, lease: timedelta
) -> list[OutboxItem]:
    async with unit_of_work(session):
        return await outbox.claim_due(session, channel, now, limit, lease)


async def sent(
    session: AsyncSession, message_ids: Sequence[int], provider_sids: Mapping[int, str]
) -> None:
    """A group of rows went out. A status report may have come before their ids were stored:
    looked for after the commit, so one that committed meanwhile is seen too (the report's
    side looks again after its own commit)."""
    async with unit_of_work(session):
        await outbox.mark_sent_many(session, message_ids, provider_sids)
    if provider_sids:
        async with unit_of_work(session):
            await apply_early_statuses(session, list(provider_sids.values()))


async def put_back(session: AsyncSession, message_ids: Sequence[int], not_before: datetime) -> None:
    async with unit_of_work(session):
        for message_id in message_ids:
            await outbox.release(session, message_id, not_before)


async def failed(
    session: AsyncSession, item: OutboxItem, error: str, *, max_attempts: int, retryable: bool
) -> OutboxStatus:
    """PENDING when it will be tried again, FAILED when it gave up (and fell back)."""
    async with unit_of_work(session):
        status = await outbox.record_failure(
            session, item, error, max_attempts=max_attempts, retryable=retryable
        )
        if status == OutboxStatus.FAILED:
            await fall_back(session, item.id)
    return OutboxStatus(status)


async def blocked(session: AsyncSession, item: OutboxItem, error: str) -> int:
    """The recipient blocked us: their queued rows stop here and try their other channel."""
    async with unit_of_work(session):
        stopped = await outbox.mark_blocked(session, item, error)
        for message_id in stopped:
            await fall_back(session, message_id)
    return len(stopped)
