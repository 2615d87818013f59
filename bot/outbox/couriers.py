"""How one outbox row leaves on a channel, and the few ways that can go wrong.

The outbox sender paces, retries and records; a courier only posts and translates its channel's
errors into these, so Telegram and WhatsApp share one sender.
"""

from __future__ import annotations

from typing import Any, Protocol

from aiogram.types import InlineKeyboardMarkup

from services.channels import Channel
from services.messaging.outbox import OutboxItem


class DeliveryError(Exception):
    """A send that did not happen; the message says why, for the row's last_error."""


class RetryAfter(DeliveryError):
    """The channel asks everyone to slow down: pause all sending, then try the row again."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class RecipientBlocked(DeliveryError):
    """The person blocked us or opted out: stop writing to that account."""


class TemporaryFailure(DeliveryError):
    """A server or network error: retry with back-off."""


class PermanentFailure(DeliveryError):
    """The channel refused this message for good (or we refused it before sending)."""


class Courier(Protocol):
    channel: Channel

    async def prepare(self, items: list[OutboxItem]) -> None:
        """Look up, once per claim, what posting these rows needs (WhatsApp: their windows)."""
        ...

    async def post(self, item: OutboxItem) -> str | None:
        """Send the row; return the provider's id of the message when it gives one."""
        ...


def telegram_message(payload: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup | None]:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PermanentFailure("ValueError: outbox payload has no text")
    markup = payload.get("reply_markup")
    return text, None if markup is None else InlineKeyboardMarkup.model_validate(markup)


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
