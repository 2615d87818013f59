"""Rules every conversation test checks on every Bot API call the bot makes:
no database transaction is open while it waits for the network, and what it sends stays in the
portable subset (bot/render/portable.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.render.portable import problems


class CallGuard:
    """Counts the transactions each asyncio task holds: the update's own must be closed when
    it calls out; a background writer's (states written behind) may run meanwhile."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.open: Counter[asyncio.Task[Any] | None] = Counter()
        self.calls = 0
        self.violations: list[str] = []
        sync = engine.sync_engine
        event.listen(sync, "begin", self._begin)
        event.listen(sync, "commit", self._end)
        event.listen(sync, "rollback", self._end)

    def _begin(self, _connection: Any) -> None:
        self.open[asyncio.current_task()] += 1

    def _end(self, _connection: Any) -> None:
        self.open[asyncio.current_task()] -= 1

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        name = method.__api_method__
        self.calls += 1
        held = self.open[asyncio.current_task()]
        if held > 0:
            self.violations.append(f"{name} awaited with {held} transaction(s) open")
        self.violations += [f"{name}: {problem}" for problem in problems(method)]
        return await make_request(bot, method)
