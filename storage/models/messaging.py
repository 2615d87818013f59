"""The outbox: every message promised for later, and what providers report about it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


class OutboxMessage(Base):
    """A message promised for later: it exists here before any attempt to send it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "priority", "not_before", "id"),
        # Claims whose sender died (status 'sending', lease lapsed) without a scan of the rest.
        Index("ix_outbox_lapsed", "status", "claimed_until"),
        # The purge of finished rows, a chunk at a time.
        Index("ix_outbox_finished", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identity.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # The provider's id of the sent message (Twilio's MessageSid), for status callbacks.
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the provider last told us, in our words: queued, sent, failed, delivered, read.
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_error: Mapped[str | None] = mapped_column(String(32))
    delivery_updated_at: Mapped[datetime | None]


class EarlyStatus(Base):
    """A status callback that came before we had stored the message's id; applied when we do."""

    __tablename__ = "early_status"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
