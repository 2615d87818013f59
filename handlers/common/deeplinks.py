"""Links that open the bot with `/start CODE` on each channel the process serves."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass
class DeepLinks:
    """Filled at start-up: the Telegram bot's username and the WhatsApp sender's number."""

    telegram_username: str | None = None
    whatsapp_number: str | None = None  # digits, no "+"

    def for_start(self, code: str) -> list[str]:
        links = []
        if self.telegram_username:
            links.append(f"Telegram: https://t.me/{self.telegram_username}?start={code}")
        if self.whatsapp_number:
            text = quote(f"/start {code}")
            links.append(f"WhatsApp: https://wa.me/{self.whatsapp_number}?text={text}")
        return links
