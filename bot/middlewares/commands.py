"""Commands in any case: phones capitalise the first letter, so "/Start" and "/HELP" mean
"/start" and "/help" on every channel. Only the command itself is lowered; what follows it (an
invite code, say) is left as typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update


def lowered_command(text: str) -> str:
    if not text.startswith("/"):
        return text
    token, space, rest = text.partition(" ")
    command, at, mention = token.partition("@")
    return f"{command.lower()}{at}{mention}{space}{rest}"


class CommandCaseMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is not None and message.text and message.text.startswith("/"):
            text = lowered_command(message.text)
            if text != message.text:
                # aiogram's objects are frozen: the update goes on as a copy with the new text.
                fixed = message.model_copy(update={"text": text})
                event = event.model_copy(update={"message": fixed})
        return await handler(event, data)
