"""What WhatsApp keeps about a number, for /mydata, /forget and the purge.

Its rows are keyed by the phone number, not by the person, so nothing cascades to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.hooks import Hooks, deleted
from storage.models.people import ChannelIdentity
from storage.models.whatsapp import MediaFile, WhatsAppChat

ABANDONED_CHAT = timedelta(days=2)


def _numbers(person_id: int) -> Any:
    return select(ChannelIdentity.external_id).where(
        ChannelIdentity.person_id == person_id, ChannelIdentity.channel == Channel.WHATSAPP
    )


async def export_chats(session: AsyncSession, person_id: int) -> dict[str, Any]:
    rows = await session.execute(
        select(WhatsAppChat.address, WhatsAppChat.last_inbound_at, WhatsAppChat.choices).where(
            WhatsAppChat.address.in_(_numbers(person_id))
        )
    )
    fields = ("address", "last_inbound_at", "choices")
    return {"whatsapp_chats": [dict(zip(fields, row, strict=True)) for row in rows.all()]}


async def forget_chats(session: AsyncSession, person_id: int) -> None:
    numbers = _numbers(person_id)
    await session.execute(delete(WhatsAppChat).where(WhatsAppChat.address.in_(numbers)))
    # Documents sent to those numbers (a /mydata export, say) go now, not when their links expire.
    await session.execute(delete(MediaFile).where(MediaFile.recipient.in_(numbers)))


async def purge_media(session: AsyncSession, now: datetime, limit: int) -> int:
    return await deleted(session, delete(MediaFile).where(MediaFile.expires_at < now), limit)


async def purge_strangers(session: AsyncSession, now: datetime, limit: int) -> int:
    """A number that wrote but never registered: its number is all we hold, so it goes."""
    # NOT EXISTS looks each chat up in the (channel, external_id) key; NOT IN listed every
    # WhatsApp account for each statement.
    registered = exists().where(
        ChannelIdentity.channel == Channel.WHATSAPP,
        ChannelIdentity.external_id == WhatsAppChat.address,
    )
    return await deleted(
        session,
        delete(WhatsAppChat).where(WhatsAppChat.updated_at < now - ABANDONED_CHAT, ~registered),
        limit,
    )


HOOKS = Hooks(
    export=export_chats,
    forget=forget_chats,
    purge={"media_files": purge_media, "whatsapp_chats": purge_strangers},
)
