"""One outbox claim with a large backlog: its time and its query plan.

--pending rows due now (half on Telegram, half on WhatsApp; a tenth in a higher-priority lane)
plus --sending rows claimed by a sender that died; claims --batch rows for Telegram --claims
times, putting the claimed rows back each time so the backlog stays the same.
Run: python -m bench.claim [--pending N] [--batch B] [--claims K] [--database-url U]

Figures on the 2-core development VM (2026-11-25), defaults, SQLite, other work running: before
(one statement with an OR of the two statuses, a temporary B-tree sorting every due row) median
117 ms per claim, 67-211; after (a statement per lane walking ix_outbox_due) median 24 ms, 22-56,
most of it reading 600 rows' payloads.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.channels import Channel
from services.messaging import sending
from services.messaging.outbox import claim_statements
from storage.base import utcnow
from storage.engine import create_engine, create_session_factory
from storage.explain import query_plan
from storage.migrate import upgrade
from storage.models.messaging import OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity, Person

CHATS = 2_000


async def backlog(sessions: async_sessionmaker[AsyncSession], pending: int, dying: int) -> None:
    now = utcnow()
    async with sessions() as session:
        await session.execute(
            insert(Person), [{"full_name": f"P{n}", "locale": "kk"} for n in range(CHATS)]
        )
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": n + 1,
                    "channel": "telegram" if n % 2 else "whatsapp",
                    "external_id": str(100_000 + n),
                }
                for n in range(CHATS)
            ],
        )
        await session.execute(
            insert(OutboxMessage),
            [
                {
                    "identity_id": i % CHATS + 1,
                    "kind": "bench",
                    "payload": {"text": f"message {i}"},
                    "dedup_key": f"bench:{i}",
                    "priority": 10 if i % 10 == 0 else 0,
                    "not_before": now - timedelta(seconds=i % 600),
                    "status": OutboxStatus.SENDING if i < dying else OutboxStatus.PENDING,
                    "claimed_until": now - timedelta(seconds=1) if i < dying else None,
                }
                for i in range(pending + dying)
            ],
        )
        await session.commit()
        if session.get_bind().dialect.name == "postgresql":
            # As autovacuum would have by the time a backlog is this big: without statistics
            # PostgreSQL plans the claim's join as a nested loop over every pending row.
            await session.execute(text("ANALYZE"))
            await session.commit()


async def main(pending: int, dying: int, batch: int, claims: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(url or f"sqlite+aiosqlite:///{Path(tmp) / 'claim.sqlite3'}")
        await upgrade(engine)
        sessions = create_session_factory(engine)
        await backlog(sessions, pending, dying)
        took = []
        for _ in range(claims):
            async with sessions() as session:
                started = time.perf_counter()
                items = await sending.claim(
                    session, Channel.TELEGRAM, utcnow(), batch, timedelta(minutes=2)
                )
                took.append((time.perf_counter() - started) * 1000)
            async with sessions() as session:  # back, as they were, for the next claim
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_([item.id for item in items]))
                    .values(status=OutboxStatus.PENDING, claimed_until=None)
                )
                await session.commit()
        async with sessions() as session:
            plans = [
                await query_plan(session, statement)
                for statement in claim_statements(Channel.TELEGRAM, utcnow(), batch)
            ]
        await engine.dispose()
    print(f"backlog          {pending} pending, {dying} lapsed; claims of {batch}")
    print(f"rows claimed     {len(items)}")
    print("ms each         ", " ".join(f"{t:.0f}" for t in took))
    print(
        f"ms per claim     median {statistics.median(took):.1f}, "
        f"min {min(took):.1f}, max {max(took):.1f}"
    )
    for plan in plans:
        print("plan:\n  " + "\n  ".join(plan))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.claim", description=__doc__)
    parser.add_argument("--pending", type=int, default=80_000)
    parser.add_argument("--sending", type=int, default=0, help="lapsed claims among them")
    parser.add_argument("--batch", type=int, default=600)
    parser.add_argument("--claims", type=int, default=20)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.pending, args.sending, args.batch, args.claims, args.database_url))
