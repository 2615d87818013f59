"""Notifications to a person, not an account: the preferred channel first, the other on failure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.messaging.outbox import enqueue
from storage.base import utcnow
from storage.models.messaging import OutboxMessage
from storage.models.people import ChannelIdentity, Person

FALLBACK_SUFFIX = "~fallback"


def preferred_of(linked: Sequence[tuple[str, datetime]], chosen: str | None) -> str:
    """The chosen channel while it is linked, else the one the person registered on first."""
    channels = [channel for channel, _ in sorted(linked, key=lambda pair: pair[1])]
    return chosen if chosen in channels else channels[0]


async def route(session: AsyncSession, person_id: int) -> list[int]:
    """The person's reachable identities, the preferred channel's first."""
    chosen = await session.scalar(select(Person.preferred_channel).where(Person.id == person_id))
    rows = list(
        (
            await session.execute(
                select(ChannelIdentity.id, ChannelIdentity.channel, ChannelIdentity.created_at)
                .where(ChannelIdentity.person_id == person_id, ChannelIdentity.blocked.is_(False))
                .order_by(ChannelIdentity.created_at, ChannelIdentity.id)
            )
        ).all()
    )
    if not rows:
        return []
    first = preferred_of([(channel, at) for _, channel, at in rows], chosen)
    return [identity for identity, channel, _ in sorted(rows, key=lambda row: row[1] != first)]


async def notify(
    session: AsyncSession,
    identity_id: int,
    *,
    kind: str,
    payload: dict[str, Any],
    dedup_key: str,
    priority: int = 0,
    not_before: datetime | None = None,
) -> bool:
    """Queue one message for the person behind `identity_id`, on their preferred channel.

    False when it was queued before (same dedup key) or the person cannot be reached.
    """
    person_id = await session.scalar(
        select(ChannelIdentity.person_id).where(ChannelIdentity.id == identity_id)
    )
    if person_id is None:
        return False
    identities = await route(session, person_id)
    if not identities:
        return False
    return await enqueue(
        session,
        identity_id=identities[0],
        kind=kind,
        payload=payload,
        dedup_key=dedup_key,
        priority=priority,
        not_before=not_before,
    )


async def fall_back(session: AsyncSession, message_id: int) -> int | None:
    """The message could not reach its channel: queue it once on the person's other one.

    Returns the new row's id, or None when there is no other channel or it was tried already.
    """
    row = await session.get(OutboxMessage, message_id)
    if row is None or row.dedup_key.endswith(FALLBACK_SUFFIX):
        return None
    failed = await session.get(ChannelIdentity, row.identity_id)
    if failed is None:
        return None
    others = [i for i in await route(session, failed.person_id) if i != failed.id]
    if not others:
        return None
    key = row.dedup_key + FALLBACK_SUFFIX
    queued = await enqueue(
        session,
        identity_id=others[0],
        kind=row.kind,
        payload=row.payload,
        dedup_key=key,
        priority=row.priority,
        not_before=max(row.not_before, utcnow()),  # a message for later stays for later
    )
    if not queued:
        return None
    return await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key))


async def tell_account(session: AsyncSession, identity_id: int, text: str, dedup_key: str) -> None:
    """A notice for one account in particular (not the person's preferred one)."""
    await enqueue(
        session,
        identity_id=identity_id,
        kind="account_notice",
        payload={"text": text},
        dedup_key=dedup_key,
        priority=10,
    )
