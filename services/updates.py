"""Incoming updates: each is handled to the end once, even across crashes and redeliveries.

An attempt is counted when handling starts (its own short commit); the update is marked
finished in the same commit as the handler's work (see bot/middlewares/update.py). So a crash
mid-update means the redelivery is handled again, a finished update's redelivery is dropped,
and an update that crashed us `MAX_ATTEMPTS` times is dropped instead of looping forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.channels import Channel
from storage.dialect import insert_for
from storage.models.system import ProcessedUpdate

MAX_ATTEMPTS = 3


class HandledElsewhere(Exception):
    """Another copy of this update finished first; this copy's work is rolled back."""


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first delivery; 0 when the update was finished before

    @property
    def finished_before(self) -> bool:
        return self.number == 0

    @property
    def given_up(self) -> bool:
        return self.number > MAX_ATTEMPTS


async def count_attempt(
    session: AsyncSession, channel: Channel, update_key: str, now: datetime
) -> Attempt:
    """One statement in the caller's transaction: insert the attempt, or count one more."""
    number = await session.scalar(
        insert_for(session, ProcessedUpdate)
        .values(channel=channel, update_key=update_key, processed_at=now, attempts=1)
        .on_conflict_do_update(
            index_elements=["channel", "update_key"],
            set_={"attempts": ProcessedUpdate.attempts + 1},
            where=ProcessedUpdate.finished_at.is_(None),
        )
        .returning(ProcessedUpdate.attempts)
    )
    return Attempt(number or 0)


def mark_finished(session: Session, channel: Channel, update_key: str, now: datetime) -> None:
    """Inside a commit (synchronous): the update's work and this mark go together."""
    result = session.execute(
        update(ProcessedUpdate)
        .where(
            ProcessedUpdate.channel == channel,
            ProcessedUpdate.update_key == update_key,
            ProcessedUpdate.finished_at.is_(None),
        )
        .values(finished_at=now)
    )
    if not getattr(result, "rowcount", 0):
        raise HandledElsewhere(update_key)


async def finished_before(session: AsyncSession, channel: Channel, update_key: str) -> bool:
    """Read-only: lets a transport skip a redelivery before it acts on it."""
    finished = await session.scalar(
        select(ProcessedUpdate.finished_at).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == update_key
        )
    )
    return finished is not None
