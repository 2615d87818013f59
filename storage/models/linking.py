"""One person on several channels: link codes and the wrong tries that stop guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class LinkCode(Base):
    """A short-lived code shown on one channel and typed on another to join the two accounts."""

    __tablename__ = "link_code"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    # One live code per person: a new offer replaces the old one in a single upsert.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # where it was shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LinkAttempt(Base):
    """Wrong link codes typed by one account lately: guessing is cut off after a few."""

    __tablename__ = "link_attempt"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(index=True)
