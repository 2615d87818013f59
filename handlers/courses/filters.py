"""A typed answer is not a command: /role during /checkin's step reaches its own feature
(features placed after this one) instead of being taken for a code word."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message


class NotCommand(Filter):
    async def __call__(self, message: Message, **_: Any) -> bool:
        return not (message.text or "").startswith("/")
