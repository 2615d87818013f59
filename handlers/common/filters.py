"""Router-level role filters."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject

from services.people import Actor
from services.roles import Role


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None and actor.has(*self.roles)


class NotCommand(Filter):
    """A typed answer is not a command: a command goes on to its own feature's handler."""

    async def __call__(self, message: Message, **_: Any) -> bool:
        return not (message.text or "").startswith("/")


async def typed_text(message: Message) -> bool:
    """Text that is not a command (a coroutine: aiogram runs a plain function in a thread)."""
    return bool(message.text) and not (message.text or "").startswith("/")
