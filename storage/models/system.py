"""Plumbing tables: update dedup, the outbox, scheduler marks and conversation state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class ProcessedUpdate(Base):
    __tablename__ = "processed_update"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


class OutboxMessage(Base):
    """A message promised for later: it exists here before any attempt to send it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "not_before"),)

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
    # What the provider last told us: queued, sent, delivered, read, undelivered, failed.
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_error: Mapped[str | None] = mapped_column(String(32))
    delivery_updated_at: Mapped[datetime | None]


class SchedulerMark(Base):
    """How far a periodic job has got, so a restart resumes instead of repeating or skipping."""

    __tablename__ = "scheduler_mark"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    reached_at: Mapped[datetime]


class FsmRecord(Base):
    """Conversation state per chat, so a restart does not drop people mid-conversation."""

    __tablename__ = "fsm_record"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WhatsAppChat(Base):
    """A WhatsApp number we talk with: the options it may answer with and its 24-hour window.

    Kept before registration too: a reply needs somewhere to remember the numbered options.
    """

    __tablename__ = "whatsapp_chat"

    address: Mapped[str] = mapped_column(String(32), primary_key=True)  # digits of E.164
    choices: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_inbound_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MediaFile(Base):
    """A document sent as media: served once signed, for a short while, then purged."""

    __tablename__ = "media_file"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Whom it was sent to (a WhatsApp number), so /forget can take it back before it expires.
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class EarlyStatus(Base):
    """A status callback that came before we had stored the message's id; applied when we do."""

    __tablename__ = "early_status"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
