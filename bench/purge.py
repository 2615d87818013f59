"""Does the hourly purge keep up with processed_update at a sustained 100 updates/s?

An hour at 100 updates/s leaves 360,000 rows to purge each hour. --rows rows past retention
and as many within it; the purge (services.maintenance.purge, 1,000 rows a transaction) runs
once. Prints its time, rows per second, and the longest transaction (on SQLite, how long an
update could wait for the write lock behind it).
Run: python -m bench.purge [--rows N] [--database-url U]
(a PostgreSQL --database-url is wiped: its public schema is dropped first).

Figures on the 2-core development VM (2026-11-25), 360,000 rows: SQLite 2.8-5.1 s (70,000-
130,000 rows/s), 361 chunks of 8-18 ms, one outlier of 200-330 ms; PostgreSQL 3.3 s, longest
216 ms. So the hourly purge takes a few seconds per hour of 100 updates/s: it keeps up. The
table itself holds retention x rate rows (7 days at 100/s: 60 million); keeping it small is
a matter of PROCESSED_UPDATE_RETENTION_DAYS (Telegram redelivers for at most a day).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bench.tick import Transactions, wipe
from services.maintenance import purge
from services.system import system_hooks
from storage.base import utcnow
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models.system import ProcessedUpdate

RETENTION = timedelta(days=7)
BATCH = 10_000


async def measure(rows: int, database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    now = utcnow()
    async with sessions() as session:
        for first in range(0, 2 * rows, BATCH):
            await session.execute(
                insert(ProcessedUpdate),
                [
                    {
                        "channel": "telegram",
                        "update_key": str(n),
                        # the first half past retention, the rest within it
                        "processed_at": now - RETENTION - timedelta(seconds=rows - n)
                        if n < rows
                        else now - timedelta(seconds=2 * rows - n),
                        "finished_at": now,
                    }
                    for n in range(first, min(first + BATCH, 2 * rows))
                ],
            )
        await session.commit()
    tx = Transactions()
    tx.watch(engine)
    async with sessions() as session:
        started = time.perf_counter()
        counts = await purge(session, now, [system_hooks(RETENTION)])
        seconds = time.perf_counter() - started
        transactions = tx.summary()
        left = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        await session.rollback()
    await engine.dispose()
    where = make_url(database_url).render_as_string(hide_password=True)
    print(f"processed_update: {rows} rows past retention, {rows} within it, {where}")
    print(f"purged {counts['processed_updates']} in {seconds:.2f} s", end=" ")
    print(f"({counts['processed_updates'] / seconds:,.0f} rows/s), {left} left")
    print(f"the purge's {transactions}")
    print(
        f"an hour at 100 updates/s takes {360_000 / (counts['processed_updates'] / seconds):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.purge", description=__doc__)
    parser.add_argument("--rows", type=int, default=360_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'purge.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql":
            asyncio.run(wipe(url))
        asyncio.run(measure(args.rows, url))


if __name__ == "__main__":
    main()
