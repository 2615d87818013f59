"""The outbox as a list to look at (the console's :outbox): the latest rows and their recipients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.uow import reading
from storage.models.messaging import OutboxMessage
from storage.models.people import ChannelIdentity, Person


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    kind: str
    status: str
    channel: str
    external_id: str
    recipient: str  # the person's name
    payload: dict[str, Any]
    not_before: datetime
    sent_at: datetime | None
    last_error: str | None


async def latest_messages(session: AsyncSession, limit: int) -> list[OutboxEntry]:
    """The last `limit` rows of the outbox, oldest first, whatever their status."""
    async with reading(session):
        rows = await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.status,
                ChannelIdentity.channel,
                ChannelIdentity.external_id,
                Person.full_name,
                OutboxMessage.payload,
                OutboxMessage.not_before,
                OutboxMessage.sent_at,
                OutboxMessage.last_error,
            )
            .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
            .join(Person, Person.id == ChannelIdentity.person_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        return [OutboxEntry(*row) for row in reversed(rows.all())]
