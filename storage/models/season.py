"""The season plan of the volunteer movement (DOMAIN.md §1): items with a deadline, and each
item's tasks, one per region (or one for the republic), each with a responsible person."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class PlanItem(Base):
    """What is to be done by when: "approve the regional course timetable by 22 May".

    `deadline` is a calendar date: due at the end of that day in Asia/Almaty. `per_region`
    items have a task per region; the others one republic-wide task.
    """

    __tablename__ = "plan_item"
    __table_args__ = (
        UniqueConstraint("season", "code"),
        Index("ix_plan_item_deadline", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season: Mapped[int] = mapped_column(Integer)  # the summer's year
    code: Mapped[str] = mapped_column(String(40))  # "timetable": one of a season's items
    title: Mapped[str] = mapped_column(String(300))  # as given; shown where a language has none
    title_kk: Mapped[str | None] = mapped_column(String(300))
    title_ru: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    deadline: Mapped[date] = mapped_column(Date)
    per_region: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlanTask(Base):
    """An item's work in one region (region_id empty: the republic's). status: open | done.

    Reminders and the escalation are derived from the item's deadline by the tick (their dedup
    keys are what makes each go once), so nothing here records them.
    """

    __tablename__ = "plan_task"
    __table_args__ = (
        UniqueConstraint("item_id", "region_id"),
        Index("ix_plan_task_item_status", "item_id", "status"),
        Index("ix_plan_task_region_status", "region_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(8), default="open")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
