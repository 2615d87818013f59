"""Dates, times and numbers through Babel, in the reader's locale and Almaty time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

ALMATY = ZoneInfo("Asia/Almaty")


def local_datetime(moment: datetime, locale: str) -> str:
    """ "6 декабря 2026 г., 09:18": long date and short time, never seconds."""
    local = moment.astimezone(ALMATY)
    day = format_date(local.date(), "long", locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)}"


def local_date(moment: datetime, locale: str) -> str:
    return format_date(moment.astimezone(ALMATY).date(), "long", locale=locale)


def number(value: float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def calendar_date(day: date, locale: str) -> str:
    """A date that is a day, not a moment (a deadline): "22 мая 2027 г."."""
    return format_date(day, "long", locale=locale)
