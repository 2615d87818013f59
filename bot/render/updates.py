"""Telegram-shaped updates for the transports that have no Telegram behind them (WhatsApp, the
console simulator) and for tests: what a person typed or picked, as the Dispatcher expects it."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sender:
    id: int
    first_name: str
    last_name: str | None = None
    language_code: str | None = None

    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


class Updates:
    """Fresh update ids: by default unique across runs, since the dedup table outlives them."""

    def __init__(self, first_id: int | None = None) -> None:
        self.ids = itertools.count(first_id if first_id is not None else int(time.time() * 1000))

    def message(
        self, sender: Sender, message_id: int, *, update_id: int | None = None, **content: Any
    ) -> dict[str, Any]:
        """`content`: text=..., or contact=... (see `contact`)."""
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {
            "update_id": update_id if update_id is not None else next(self.ids),
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": sender.chat(),
                "from": sender.user(),
                **content,
            },
        }

    def callback(
        self,
        sender: Sender,
        data: str,
        message_id: int | None,
        *,
        query_id: str | None = None,
        message_text: str = "…",
        bot_user: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A button pressed on the message `message_id` (0 when unknown)."""
        update_id = next(self.ids)
        message: dict[str, Any] = {
            "message_id": message_id or 0,
            "date": int(time.time()),
            "chat": sender.chat(),
            "text": message_text or "…",
        }
        if bot_user is not None:
            message["from"] = bot_user
        return {
            "update_id": update_id,
            "callback_query": {
                "id": query_id or str(update_id),
                "from": sender.user(),
                "chat_instance": str(sender.id),
                "data": data,
                "message": message,
            },
        }


def contact(sender: Sender, phone_number: str) -> dict[str, Any]:
    """The person's own number, as a "share my number" button sends it."""
    return {"phone_number": phone_number, "first_name": sender.first_name, "user_id": sender.id}
