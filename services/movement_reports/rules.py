"""The reports' rules, pure: the attendance rate, the periods, a school's attachment today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
SEASON_TURNS = (9, 1)  # a season runs from 1 September to the end of next August


class Period(StrEnum):
    SEASON = "season"
    ALL = "all"


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC; None: unbounded."""

    start: datetime | None = None
    end: datetime | None = None


def attendance_rate(attended: int, expected: int) -> float | None:
    """Sessions attended of those the enrolled could attend so far (enrolled × held);
    None when none was held yet. Never above 1 (a trainer's mark of someone not enrolled)."""
    if expected <= 0:
        return None
    return min(1.0, attended / expected)


def season_start(today: date) -> date:
    """The first day of the season `today` is in: the last 1 September not after it."""
    year = today.year if (today.month, today.day) >= SEASON_TURNS else today.year - 1
    return date(year, *SEASON_TURNS)


def window(period: Period, now: datetime) -> Window:
    if period is Period.ALL:
        return Window()
    start = season_start(now.astimezone(ALMATY).date())
    begins = datetime.combine(start, time(0), ALMATY).astimezone(UTC)
    ends = datetime.combine(date(start.year + 1, *SEASON_TURNS), time(0), ALMATY)
    return Window(begins, ends.astimezone(UTC))


def attached_on(starts_on: date, ends_on: date | None, today: date) -> bool:
    """A squad serves a school today from its first day to its last, both included."""
    return starts_on <= today and (ends_on is None or ends_on >= today)
