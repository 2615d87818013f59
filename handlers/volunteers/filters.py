"""Message filters of the volunteer flows, as coroutines (aiogram runs a synchronous filter
in a thread)."""

from __future__ import annotations

from aiogram.types import Message


async def shared_contact(message: Message) -> bool:
    return message.contact is not None
