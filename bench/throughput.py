"""Bare aiogram echo bot vs Qamqor's full stack, fed the same N updates in one run.

Both answer through real HTTP to the local Bot API stand-in. Qamqor's path is a newcomer's
/start: session and dedup middleware, identity lookup, i18n, FSM state and data written to
SQLite, an inline keyboard sent. Run: python -m bench.throughput [--updates N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.bot import make_telegram_bot
from tests.standins.telegram_api import TelegramStandIn


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def start_update(update_id: int, user_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Бек", "language_code": "ru"},
            "text": "/start",
        },
    }


async def feed(dp: Dispatcher, bot: Bot, updates: list[dict[str, Any]]) -> float:
    """Updates per second, fed one after another as polling would hand them over."""
    parsed = [Update.model_validate(u, context={"bot": bot}) for u in updates]
    started = time.perf_counter()
    for update in parsed:
        await dp.feed_update(bot, update)
    return len(parsed) / (time.perf_counter() - started)


async def main(updates: int, rounds: int) -> None:
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        async with TelegramStandIn() as standin:
            settings = Settings(
                _env_file=None,
                telegram_bot_token="42:BENCH",
                telegram_api_url=standin.base_url,
                database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}",
            )
            app: App = await build_app(settings)
            bot = make_telegram_bot(settings)
            echo = echo_dispatcher()
            next_id: Callable[[], int] = iter(range(1, 10**9)).__next__
            bare_rates, full_rates = [], []
            try:
                await feed(echo, bot, [start_update(next_id(), 1) for _ in range(50)])  # warm-up
                for _ in range(rounds):  # alternate so drift in the machine hits both alike
                    batch = [start_update(next_id(), next_id()) for _ in range(updates)]
                    bare_rates.append(await feed(echo, bot, batch))
                    full_rates.append(await feed(app.dispatcher, bot, batch))
                    standin.clear()
            finally:
                await bot.session.close()
                await app.close()
    bare, full = max(bare_rates), max(full_rates)
    print(f"updates per run: {updates}, rounds: {rounds} (best round shown)")
    print(f"bare aiogram echo:      {bare:8.1f} updates/s")
    print(f"Qamqor full stack:      {full:8.1f} updates/s")
    print(f"ratio full/bare:        {full / bare:8.3f}   (target >= 0.333)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.rounds))
