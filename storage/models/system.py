"""Plumbing tables: update dedup and attempts, scheduler marks and conversation state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class ProcessedUpdate(Base):
    """An update we started handling: how many times, and whether its work was committed.

    The mark of a finished update commits with the handler's own work, so an update cut short by
    a crash is handled again on redelivery; `attempts` stops one that crashes us every time.
    """

    __tablename__ = "processed_update"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    finished_at: Mapped[datetime | None]


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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
