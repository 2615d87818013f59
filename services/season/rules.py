"""The season plan's rules, pure: which season it is, when an item is due, which reminder falls
due when. Every reminder setting is here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")

# Reminders to the responsible person this many days before the deadline day, and the
# escalation to the administrators this many days after it; each at SEND_AT, Almaty time (no
# one is woken at midnight by a deadline).
REMIND_DAYS_BEFORE = (7, 1)
ESCALATE_DAYS_AFTER = 1
SEND_AT = time(9, 0)
# The season is a summer's: from 1 September on, the plan being worked on is next summer's.
SEASON_TURNS = (9, 1)


@dataclass(frozen=True)
class Stage:
    """A reminder (`days` before the deadline) or the escalation (`days` after it)."""

    name: str  # "remind7", "remind1", "overdue"
    days: int  # signed: the moment is the deadline day + days, at SEND_AT
    escalation: bool = False


STAGES = (
    *(Stage(f"remind{days}", -days) for days in REMIND_DAYS_BEFORE),
    Stage("overdue", ESCALATE_DAYS_AFTER, escalation=True),
)


def due_at(deadline: date) -> datetime:
    """The end of the deadline day in Almaty, in UTC: done before it is done in time."""
    return datetime.combine(deadline + timedelta(days=1), time(0), ALMATY).astimezone(UTC)


def is_overdue(deadline: date, now: datetime) -> bool:
    return now >= due_at(deadline)


def stage_moment(deadline: date, stage: Stage) -> datetime:
    return datetime.combine(deadline + timedelta(days=stage.days), SEND_AT, ALMATY).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(ALMATY).date()


def season_of(today: date) -> int:
    """The summer being planned: this year's until the end of August, then next year's."""
    return today.year if (today.month, today.day) < SEASON_TURNS else today.year + 1


def deadlines_due(stage: Stage, start: datetime, end: datetime) -> Iterator[date]:
    """The deadlines whose `stage` falls in (start, end]: a few dates for any tick's window."""
    day = local_day(start) - timedelta(days=stage.days + 1)
    last = local_day(end) - timedelta(days=stage.days)
    while day <= last:
        if start < stage_moment(day, stage) <= end:
            yield day
        day += timedelta(days=1)


def stages_due(deadline: date, start: datetime, end: datetime) -> list[Stage]:
    """The stages of a deadline that fall in (start, end]."""
    return [s for s in STAGES if start < stage_moment(deadline, s) <= end]
