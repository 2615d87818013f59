"""Message filters of the volunteer flows, as coroutines (aiogram runs a synchronous filter
in a thread)."""

from __future__ import annotations

from aiogram.types import Message


async def typed(message: Message) -> bool:
    """Text that is not a command: an answer to a step that asks for typing."""
    return message.text is not None and not message.text.startswith("/")


async def shared_contact(message: Message) -> bool:
    return message.contact is not None
