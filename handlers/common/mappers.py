"""aiogram objects to the plain values services take."""

from __future__ import annotations

from aiogram.types import CallbackQuery, User

from services.channels import Channel
from services.onboarding.registration import Newcomer


def display_name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part)


def newcomer(user: User, channel: Channel, locale: str) -> Newcomer:
    """The services clean the name; what Telegram sends may hold anything."""
    return Newcomer(
        channel=channel, external_id=str(user.id), full_name=display_name(user), locale=locale
    )


def chat_of(query: CallbackQuery) -> int:
    """Where to answer a button: its message's chat, or the presser's private chat when the
    message is gone (too old, or an inline message)."""
    if query.message is not None:
        return query.message.chat.id
    return query.from_user.id
