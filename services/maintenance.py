"""The hourly purge: every feature's retention rules, a commit every CHUNK rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks
from services.uow import unit_of_work

# Rows per transaction: SQLite's write lock is free between two, so updates never wait long.
CHUNK = 1_000


async def purge(
    session: AsyncSession, now: datetime, hooks: Sequence[Hooks], chunk: int = CHUNK
) -> dict[str, int]:
    """Rows deleted per rule. Each chunk commits on its own: a purge cut short has lost
    nothing that should stay, and the next one deletes the rest."""
    counts: dict[str, int] = {}
    for feature in hooks:
        for name, rule in feature.purge.items():
            counts[name] = 0
            while True:
                async with unit_of_work(session):
                    gone = await rule(session, now, chunk)
                counts[name] += gone
                if gone < chunk:
                    break
    return counts
