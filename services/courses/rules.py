"""Pure rules of courses: the check-in window, code words, completion, certificate codes."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

MAX_WRONG_CODES = 5
# No 0/O, 1/I/L: read aloud or copied from a printed page without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def in_window(now: datetime, starts_at: datetime, ends_at: datetime, before_minutes: int) -> bool:
    """Check-in is open from `before_minutes` before the start to the end."""
    return starts_at - timedelta(minutes=before_minutes) <= now <= ends_at


def same_code_word(typed: str, expected: str | None) -> bool:
    """Case, spaces and dashes do not matter ("Көк Тау" = "көк-тау")."""
    if not expected:
        return False
    return normal_code_word(typed) == normal_code_word(expected)


def normal_code_word(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def new_code_word() -> str:
    """Four digits the trainer reads out."""
    return f"{secrets.randbelow(10_000):04d}"


def needed(sessions_count: int, complete_after: int | None) -> int:
    """Sessions to attend for the certificate: `complete_after`, else all of them."""
    return min(complete_after or sessions_count, sessions_count)


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_certificate_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def is_conference_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url.strip()


SESSION_HOURS = 2
MAX_SESSIONS = 20


def parse_sessions(
    text: str, zone: str = "Asia/Almaty", hours: int = SESSION_HOURS
) -> list[tuple[datetime, datetime]] | None:
    """Sessions typed one a line as "01.12.2026 18:00" in local time: (start, end) in UTC,
    in time order; None if a line does not read as one or there are none or too many."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            local = datetime.strptime(" ".join(line.split()), "%d.%m.%Y %H:%M")
        except ValueError:
            return None
        start = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
        found.append((start, start + timedelta(hours=hours)))
    if not found or len(found) > MAX_SESSIONS:
        return None
    return sorted(found)
