"""Scheduled purges: keep personal and technical data only as long as it serves a purpose."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.linking import LINK_CODE_TTL
from storage.models import (
    ChannelIdentity,
    EarlyStatus,
    FsmRecord,
    Invite,
    LinkAttempt,
    LinkCode,
    MediaFile,
    OutboxMessage,
    OutboxStatus,
    ProcessedUpdate,
    WhatsAppChat,
)

SENT_MESSAGE_RETENTION = timedelta(days=30)
ABANDONED_CONVERSATION = timedelta(days=2)
DAY = timedelta(days=1)


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
        "media_files": delete(MediaFile).where(MediaFile.expires_at < now),
        # Callbacks for messages that never turned out to be ours.
        "early_statuses": delete(EarlyStatus).where(
            EarlyStatus.received_at < now - timedelta(days=1)
        ),
        "link_codes": delete(LinkCode).where(LinkCode.expires_at < now),
        "link_attempts": delete(LinkAttempt).where(
            LinkAttempt.window_started_at < now - LINK_CODE_TTL
        ),
        # A number that wrote but never registered: its phone number is all we hold, so it goes.
        "whatsapp_chats": delete(WhatsAppChat).where(
            WhatsAppChat.updated_at < now - ABANDONED_CONVERSATION,
            WhatsAppChat.address.not_in(
                select(ChannelIdentity.external_id).where(ChannelIdentity.channel == "whatsapp")
            ),
        ),
    }
    counts = {}
    for name, statement in statements.items():
        result = await session.execute(statement)
        counts[name] = int(getattr(result, "rowcount", 0) or 0)
    await session.commit()
    return counts
