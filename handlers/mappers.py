"""aiogram objects to the plain values services take."""

from __future__ import annotations

from aiogram.types import User

from services.people import Newcomer


def display_name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part).strip() or "—"


def newcomer(user: User, channel: str, locale: str) -> Newcomer:
    return Newcomer(
        channel=channel, external_id=str(user.id), full_name=display_name(user), locale=locale
    )
