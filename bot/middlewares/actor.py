"""Maps the Telegram user to our registered person (or None for a newcomer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from services.people import load_actor


class ActorMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        data["actor"] = None
        session = data.get("session")
        if session is not None:
            if user is not None:
                data["actor"] = await load_actor(session, data["channel"], str(user.id))
            # Keep the dedup mark and end the transaction before handlers talk to the network:
            # on SQLite an open transaction holds the write lock for every other update.
            await session.commit()
        return await handler(event, data)
