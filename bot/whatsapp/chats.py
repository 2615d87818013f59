"""WhatsApp chats: the numbered options each number may answer with, and its 24-hour window.

A business may write first only inside 24 hours after the person's last message; outside it,
only an approved template may go.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.dialect import insert_ignoring_conflicts
from storage.models.whatsapp import WhatsAppChat

SESSION_WINDOW = timedelta(hours=24)


def within_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """True while a free-form message may still go to someone who wrote at `last_inbound_at`."""
    return last_inbound_at is not None and now - last_inbound_at < SESSION_WINDOW


async def touch_inbound(session: AsyncSession, address: str, now: datetime) -> None:
    """The person wrote: the window opens again. The caller commits."""
    await _ensure(session, address)
    await session.execute(
        update(WhatsAppChat)
        .where(WhatsAppChat.address == address)
        .values(last_inbound_at=now, updated_at=now)
    )


async def last_inbound(session: AsyncSession, addresses: list[str]) -> dict[str, datetime | None]:
    """When each number last wrote to us (None: never, or so long ago the row is gone)."""
    rows = await session.execute(
        select(WhatsAppChat.address, WhatsAppChat.last_inbound_at).where(
            WhatsAppChat.address.in_(addresses)
        )
    )
    found: dict[str, datetime | None] = dict.fromkeys(addresses)
    found.update(rows.all())
    return found


async def load_choices(session: AsyncSession, address: str) -> dict[str, Any] | None:
    return await session.scalar(select(WhatsAppChat.choices).where(WhatsAppChat.address == address))


async def save_choices(session: AsyncSession, address: str, choices: dict[str, Any] | None) -> None:
    """The options the latest message offers (None: no options open). The caller commits."""
    await _ensure(session, address)
    await session.execute(
        update(WhatsAppChat)
        .where(WhatsAppChat.address == address)
        .values(choices=choices, updated_at=utcnow())
    )


async def _ensure(session: AsyncSession, address: str) -> None:
    # Two requests from one number may race to create the row: the second one's insert is a no-op.
    await session.execute(
        insert_ignoring_conflicts(session, WhatsAppChat, ["address"]).values(
            address=address, choices=None, last_inbound_at=None, updated_at=utcnow()
        )
    )
