"""Queueing one message each for many people: notify() per person, notify_many(), and a bare
INSERT of the same rows (routes known in advance) as the floor.

--people people with a Telegram account each (every fourth also on WhatsApp, which they
prefer); each way queues one message for each of them under its own dedup keys, in one
transaction. Run: python -m bench.notify [--people N] [--database-url U]
(a PostgreSQL --database-url is wiped: its public schema is dropped first).

Figures on the 2-core development VM (2026-11-25), 10,000 people. SQLite, three runs: bare
INSERT 0.19-0.51 s, notify_many 0.46-0.80 s (1.6-2.5x the floor; target 3x), 10,000 notify()
calls 15.4-19.6 s (before notify() went through notify_many's single route query: 20.1-23.9 s;
issue 8 measured 29.7 s). PostgreSQL: bare INSERT 0.53 s, notify_many 0.47 s (0.9x), 10,000
notify() calls 19.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.tick import wipe
from services.messaging.notify import Notice, notify, notify_many, routes
from storage.base import utcnow
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models.messaging import OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity, Person

FLOOR = "bare INSERT (the floor)"


async def seed(sessions: async_sessionmaker[AsyncSession], people: int) -> None:
    async with sessions() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "id": n + 1,
                    "full_name": f"Person {n}",
                    "locale": "kk",
                    "preferred_channel": "whatsapp" if n % 4 == 1 else None,
                }
                for n in range(people)
            ],
        )
        await session.execute(
            insert(ChannelIdentity),
            [
                {"id": n + 1, "person_id": n + 1, "channel": "telegram", "external_id": str(n)}
                for n in range(people)
            ]
            + [
                {
                    "id": people + n + 1,
                    "person_id": n + 1,
                    "channel": "whatsapp",
                    "external_id": str(77000000000 + n),
                }
                for n in range(people)
                if n % 4 == 1
            ],
        )
        await session.commit()


def notices(people: int, way: str) -> list[Notice]:
    return [Notice(n + 1, "bench", {"text": "Hello"}, f"{way}:{n}") for n in range(people)]


async def one_by_one(session: AsyncSession, people: int) -> int:
    count = 0
    for notice in notices(people, "one"):
        count += await notify(
            session,
            notice.identity_id,
            kind=notice.kind,
            payload=notice.payload,
            dedup_key=notice.dedup_key,
        )
    return count


async def many(session: AsyncSession, people: int) -> int:
    return await notify_many(session, notices(people, "many"))


async def bare_insert(session: AsyncSession, people: int, to: dict[int, int]) -> int:
    now = utcnow()
    table: Any = OutboxMessage.__table__
    rows: list[dict[str, Any]] = [
        {
            "identity_id": to[notice.identity_id],
            "kind": notice.kind,
            "payload": notice.payload,
            "dedup_key": notice.dedup_key,
            "priority": 0,
            "not_before": now,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for notice in notices(people, "bare")
    ]
    await session.execute(insert(table), rows)
    return len(rows)


async def measure(people: int, database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    await seed(sessions, people)
    async with sessions() as session:
        to = await routes(session, range(1, people + 1))
        await session.rollback()
    where = make_url(database_url).render_as_string(hide_password=True)
    print(f"{people} people, one message each, one transaction per way, {where}")
    ways: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
        FLOOR: partial(bare_insert, people=people, to=to),
        "notify_many()": partial(many, people=people),
        f"{people} notify() calls": partial(one_by_one, people=people),
    }
    took = {}
    for name, way in ways.items():
        async with sessions() as session:
            started = time.perf_counter()
            count = await way(session)
            await session.commit()
            took[name] = time.perf_counter() - started
        print(f"{name:<26} {took[name]:7.2f} s  ({count} queued)")
    floor = took[FLOOR]
    print(f"notify_many / floor        {took['notify_many()'] / floor:7.2f} (target <= 3)")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'notify.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql":
            asyncio.run(wipe(url))
        asyncio.run(measure(args.people, url))


if __name__ == "__main__":
    main()
