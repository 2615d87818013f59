"""WhatsApp's own state: the options each number may answer with, its 24-hour window, and
documents served to Twilio as short-lived media links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class WhatsAppChat(Base):
    """A WhatsApp number we talk with: the options it may answer with and its 24-hour window.

    Kept before registration too: a reply needs somewhere to remember the numbered options.
    """

    __tablename__ = "whatsapp_chat"

    address: Mapped[str] = mapped_column(String(32), primary_key=True)  # digits of E.164
    choices: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_inbound_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


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
