"""Rules every conversation test checks on every Bot API call the bot makes:
no database transaction is open while it waits for the network, and what it sends stays in the
portable subset (bot/render/portable.py)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.render.portable import problems


class CallGuard:
    def __init__(self, engine: AsyncEngine) -> None:
        self.open = 0
        self.calls = 0
        self.violations: list[str] = []
        sync = engine.sync_engine
        event.listen(sync, "begin", self._begin)
        event.listen(sync, "commit", self._end)
        event.listen(sync, "rollback", self._end)

    def _begin(self, _connection: Any) -> None:
        self.open += 1

    def _end(self, _connection: Any) -> None:
        self.open -= 1

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        name = method.__api_method__
        self.calls += 1
        if self.open > 0:
            self.violations.append(f"{name} awaited with {self.open} transaction(s) open")
        self.violations += [f"{name}: {problem}" for problem in problems(method)]
        return await make_request(bot, method)
