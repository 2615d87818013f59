"""One database session per update; a redelivered update id is dropped here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.updates import first_time_seen
from storage.engine import current_session

DEFAULT_CHANNEL = "telegram"


class SessionMiddleware(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        channel = data.setdefault("channel", DEFAULT_CHANNEL)
        update_key = data.get("update_key") or str(event.update_id)
        async with self.session_factory() as session:
            token = current_session.set(session)
            try:
                if not await first_time_seen(session, channel, update_key):
                    return UNHANDLED
                data["session"] = session
                result = await handler(event, data)
                await session.commit()
                return result
            finally:
                current_session.reset(token)
