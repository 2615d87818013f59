"""Outbox drain against the stand-in enforcing Telegram's limits: how close to the limit we get.

N queued messages spread over C chats (message i to chat i mod C, as broadcasts interleave) on a
fresh SQLite file; the stand-in answers 429 above `rate` msg/s overall or 1 msg/s per chat, and
the sender is configured with the same limits. Run: python -m bench.outbox [--messages N]
[--chats C] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.couriers import TelegramCourier
from bot.outbox_sender import OutboxSender
from services import outbox
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import ChannelIdentity, OutboxMessage, Person
from tests.standins.telegram_api import TelegramStandIn

PER_CHAT_RATE = 1.0
FIRST_CHAT_ID = 100_000


async def queue_messages(
    sessions: async_sessionmaker[AsyncSession], messages: int, chats: int
) -> None:
    async with sessions() as session:
        await session.execute(
            insert(Person), [{"full_name": f"Person {n}", "locale": "kk"} for n in range(chats)]
        )
        await session.execute(
            insert(ChannelIdentity),
            [
                {"person_id": n + 1, "channel": "telegram", "external_id": str(FIRST_CHAT_ID + n)}
                for n in range(chats)
            ],
        )
        # One multi-row insert: 10,000 enqueue() calls would take longer than the drain.
        await session.execute(
            insert(OutboxMessage),
            [
                {
                    "identity_id": i % chats + 1,
                    "kind": "bench",
                    "payload": {"text": f"message {i}"},
                    "dedup_key": f"bench:{i}",
                }
                for i in range(messages)
            ],
        )
        await session.commit()


async def main(messages: int, chats: int, rate: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        await upgrade(engine)
        sessions = create_session_factory(engine)
        await queue_messages(sessions, messages, chats)
        async with TelegramStandIn() as standin:
            standin.set_rate_limit(per_second=rate, per_chat_per_second=PER_CHAT_RATE)
            bot = Bot(
                "42:BENCH",
                session=AiohttpSession(api=TelegramAPIServer.from_base(standin.base_url)),
            )
            sender = OutboxSender(
                TelegramCourier(bot),
                sessions,
                rate=rate,
                per_chat_rate=PER_CHAT_RATE,
                max_attempts=5,
                lease=timedelta(seconds=120),
            )
            try:
                stats = await sender.drain()
            finally:
                await bot.session.close()
            async with sessions() as session:
                statuses = await outbox.count_by_status(session)
        await engine.dispose()
    print(f"messages          {messages} to {chats} chats")
    print(f"elapsed           {stats.elapsed_seconds:.2f} s")
    print(f"achieved rate     {stats.rate:.1f} msg/s (limit {rate:g})")
    print(f"achieved / limit  {stats.rate / rate:.3f} (target >= 0.97)")
    print(f"429s met          {standin.too_many_requests}, retried {stats.retried_after_429}")
    print(f"final statuses    {statuses}")
    print(f"all sent          {statuses == {'sent': messages}}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.outbox", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=300.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.messages, args.chats, args.rate))
