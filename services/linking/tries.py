"""How many codes one account may try: five in a quarter of an hour, then it waits.

A try is taken before the code is looked at, in one statement, so tries sent at the same
moment all count; a right code gives its try back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from storage.dialect import insert_for
from storage.models.linking import LinkAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5


async def take_try(session: AsyncSession, channel: Channel, external_id: str, now: datetime) -> int:
    """Count a try in the caller's transaction; the tries in the window, this one included."""
    window_over = LinkAttempt.window_started_at <= now - WINDOW
    taken = await session.scalar(
        insert_for(session, LinkAttempt)
        .values(channel=channel, external_id=external_id, failures=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=["channel", "external_id"],
            set_={
                "failures": case((window_over, 1), else_=LinkAttempt.failures + 1),
                "window_started_at": case((window_over, now), else_=LinkAttempt.window_started_at),
            },
        )
        .returning(LinkAttempt.failures)
    )
    return int(taken or 0)


async def give_back_try(session: AsyncSession, channel: Channel, external_id: str) -> None:
    """The code was right, or the try was no guess: it does not count."""
    await session.execute(
        update(LinkAttempt)
        .where(
            LinkAttempt.channel == channel,
            LinkAttempt.external_id == external_id,
            LinkAttempt.failures > 0,
        )
        .values(failures=LinkAttempt.failures - 1)
    )
