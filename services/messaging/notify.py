"""Notifications to a person, not an account: the preferred channel first, the other on failure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.messaging.outbox import enqueue, enqueue_many
from storage.base import utcnow
from storage.models.messaging import OutboxMessage
from storage.models.people import ChannelIdentity, Person

FALLBACK_SUFFIX = "~fallback"
# Rows per statement in notify_many: well under both backends' limits on bound parameters.
CHUNK = 500


@dataclass(frozen=True)
class Notice:
    """One message for the person behind `identity_id` (see notify)."""

    identity_id: int
    kind: str
    payload: dict[str, Any]
    dedup_key: str
    priority: int = 0
    not_before: datetime | None = None


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


async def routes(session: AsyncSession, identity_ids: Collection[int]) -> dict[int, int]:
    """Where a message to each account goes: its person's preferred reachable account.

    One query per CHUNK accounts; an account whose person cannot be reached is left out.
    """
    asked = aliased(ChannelIdentity)
    reachable: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    chosen: dict[int, str | None] = {}
    ids = sorted(set(identity_ids))
    for first in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(
                asked.id,
                Person.preferred_channel,
                ChannelIdentity.id,
                ChannelIdentity.channel,
                ChannelIdentity.created_at,
            )
            .join(Person, Person.id == asked.person_id)
            .join(
                ChannelIdentity,
                and_(
                    ChannelIdentity.person_id == asked.person_id,
                    ChannelIdentity.blocked.is_(False),
                ),
            )
            .where(asked.id.in_(ids[first : first + CHUNK]))
            .order_by(ChannelIdentity.created_at, ChannelIdentity.id)
        )
        for asked_id, preferred, identity, channel, at in rows.all():
            chosen[asked_id] = preferred
            reachable[asked_id].append((identity, channel, at))
    found = {}
    for asked_id, accounts in reachable.items():
        first_channel = preferred_of([(c, at) for _, c, at in accounts], chosen[asked_id])
        found[asked_id] = next(i for i, c, _ in accounts if c == first_channel)
    return found


async def notify_many(session: AsyncSession, notices: Sequence[Notice]) -> int:
    """notify() for many at once: one route query and one INSERT per CHUNK notices.

    Returns how many were queued: not those queued before (same dedup key, or a repeated key
    in `notices`: the first one counts) nor those whose person cannot be reached.
    """
    to = await routes(session, [notice.identity_id for notice in notices])
    rows: dict[str, dict[str, Any]] = {}
    for notice in notices:
        identity = to.get(notice.identity_id)
        if identity is None or notice.dedup_key in rows:
            continue
        rows[notice.dedup_key] = {
            "identity_id": identity,
            "kind": notice.kind,
            "payload": notice.payload,
            "dedup_key": notice.dedup_key,
            "priority": notice.priority,
            "not_before": notice.not_before,
        }
    values = list(rows.values())
    queued = 0
    for first in range(0, len(values), CHUNK):
        queued += await enqueue_many(session, values[first : first + CHUNK])
    return queued


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
    notice = Notice(identity_id, kind, payload, dedup_key, priority, not_before)
    return await notify_many(session, [notice]) == 1


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
