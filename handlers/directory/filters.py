"""A coroutine filter (F magic would run in a thread): a message that carries a file."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message


class HasDocument(Filter):
    async def __call__(self, message: Message, **_: Any) -> bool:
        return message.document is not None
