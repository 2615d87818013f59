"""Recognition's rules, pure: which season is being awarded, where its activity starts, and
the suggested score from recorded activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
REPUBLICAN = "republican"
REGIONAL = "regional"

# Points per recorded activity: a course completed weighs a whole course's sessions, leading a
# squad a season's work, a squad attached to schools the work with children it stands for.
PER_SESSION = 1
PER_COURSE = 5
LEADS_SQUAD = 5
SQUAD_AT_SCHOOL = 3
# Letters are for the summer that began last: from 1 June on it is this year's.
SUMMER_STARTS = 6


@dataclass(frozen=True)
class Activity:
    sessions: int
    courses: int
    leads_squad: bool
    squad_at_school: bool


@dataclass(frozen=True)
class Score:
    """The score and its parts, as the ranking shows them."""

    sessions: int
    courses: int
    squad: int
    total: int


def score(activity: Activity) -> Score:
    sessions = activity.sessions * PER_SESSION
    courses = activity.courses * PER_COURSE
    squad = (LEADS_SQUAD if activity.leads_squad else 0) + (
        SQUAD_AT_SCHOOL if activity.squad_at_school else 0
    )
    return Score(sessions, courses, squad, sessions + courses + squad)


def award_season(today: date) -> int:
    """The season whose letters are awarded now: the summer that began last."""
    return today.year if today.month >= SUMMER_STARTS else today.year - 1


def activity_since(season: int) -> datetime:
    """A season's recorded activity counts from 1 September before its summer (when its plan
    begins), in UTC."""
    return datetime.combine(date(season - 1, 9, 1), time(0), ALMATY).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(ALMATY).date()
