"""The hourly purge: every feature's retention rules, in one commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks
from services.uow import unit_of_work


async def purge(session: AsyncSession, now: datetime, hooks: Sequence[Hooks]) -> dict[str, int]:
    """Rows deleted per rule."""
    counts: dict[str, int] = {}
    async with unit_of_work(session):
        for feature in hooks:
            for name, rule in feature.purge.items():
                counts[name] = await rule(session, now)
    return counts
