"""The volunteer application's pure rules: names, Kazakhstan phone numbers, birth dates, ages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

import phonenumbers

from services.errors import DomainError
from services.text import UNWANTED

NAME_LIMIT = 120
ADULT_AGE = 18
OLDEST_AGE = 100


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_PARENT = "awaiting_parent"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class BirthDateProblem(StrEnum):
    FORMAT = "format"  # not a date we can read
    IMPOSSIBLE = "impossible"  # 31.02.2008, or a century ago
    FUTURE = "future"
    TOO_YOUNG = "too_young"


class InvalidBirthDate(DomainError):
    def __init__(self, problem: BirthDateProblem) -> None:
        super().__init__(problem)
        self.problem = problem


def clean_name(text: str) -> str | None:
    """A full name as typed: None when empty, too long or holding control characters."""
    if any(unicodedata.category(c) in UNWANTED for c in text):
        return None
    name = " ".join(text.split())
    if not name or len(name) > NAME_LIMIT or not any(c.isalpha() for c in name):
        return None
    return name


def full_name(text: str) -> str | None:
    """A person's full name: a clean name of at least two words (a name and a surname), so
    "жоқ" or "да" typed at the question is not taken for one."""
    name = clean_name(text)
    if name is None or sum(any(c.isalpha() for c in word) for word in name.split()) < 2:
        return None
    return name


def parse_phone(text: str) -> str | None:
    """A Kazakhstan number (+7 7XX XXX XX XX, 8 7XX..., or spaced) in E.164, else None."""
    raw = text.strip()
    if not raw or len(raw) > 32:
        return None
    try:
        number = phonenumbers.parse(raw, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 7 or phonenumbers.region_code_for_number(number) != "KZ":
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_DOTTED = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_birth_date(text: str, today: date, min_age: int) -> date:
    """05.03.2008, 5.3.2008 or 2008-03-05; raises InvalidBirthDate with the reason."""
    raw = text.strip()
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED.match(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InvalidBirthDate(BirthDateProblem.FORMAT)
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidBirthDate(BirthDateProblem.IMPOSSIBLE) from None
    if born > today:
        raise InvalidBirthDate(BirthDateProblem.FUTURE)
    age = age_on(born, today)
    if age > OLDEST_AGE:
        raise InvalidBirthDate(BirthDateProblem.IMPOSSIBLE)
    if age < min_age:
        raise InvalidBirthDate(BirthDateProblem.TOO_YOUNG)
    return born


def age_on(born: date, today: date) -> int:
    """Full years; someone born on 29 February turns a year older on 1 March."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def needs_parent(born: date, today: date) -> bool:
    return age_on(born, today) < ADULT_AGE


def status_after_edit(current: Status, region_changed: bool, parent_missing: bool) -> Status:
    """An approved profile stays approved unless its region changes; the rest goes to the
    region's coordinator again (after the parent's consent, for a minor without one)."""
    if current is Status.APPROVED and not region_changed:
        return Status.APPROVED
    return Status.AWAITING_PARENT if parent_missing else Status.PENDING
