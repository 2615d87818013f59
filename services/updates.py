"""Incoming updates: each is handled to the end once, even across crashes and redeliveries.

An attempt is counted when handling starts (its own short commit); the update is marked
finished in the same commit as the handler's work (see bot/middlewares/update.py). So a crash
mid-update means the redelivery is handled again, a finished update's redelivery is dropped,
and an update that crashed us `MAX_ATTEMPTS` times is dropped instead of looping forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.channels import Channel
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


# Built once: these run for every update, and building a statement costs more than running it.
_FINISH = (
    update(ProcessedUpdate)
    .where(
        ProcessedUpdate.channel == bindparam("b_channel"),
        ProcessedUpdate.update_key == bindparam("b_key"),
        ProcessedUpdate.finished_at.is_(None),
    )
    .values(finished_at=bindparam("b_now"))
)


@cache
def _attempt(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ProcessedUpdate).values(
        channel=bindparam("b_channel"),
        update_key=bindparam("b_key"),
        processed_at=bindparam("b_now"),
        attempts=1,
    )
    return statement.on_conflict_do_update(
        index_elements=["channel", "update_key"],
        set_={"attempts": ProcessedUpdate.attempts + 1},
        where=ProcessedUpdate.finished_at.is_(None),
    ).returning(ProcessedUpdate.attempts)


async def count_attempt(
    session: AsyncSession, channel: Channel, update_key: str, now: datetime
) -> Attempt:
    """One statement in the caller's transaction: insert the attempt, or count one more."""
    statement = _attempt(session.get_bind().dialect.name)
    values = {"b_channel": channel, "b_key": update_key, "b_now": now}
    return Attempt(await session.scalar(statement, values) or 0)


def mark_finished(session: Session, channel: Channel, update_key: str, now: datetime) -> None:
    """Inside a commit (synchronous): the update's work and this mark go together."""
    values = {"b_channel": channel, "b_key": update_key, "b_now": now}
    result = session.execute(_FINISH, values)
    if not getattr(result, "rowcount", 0):
        raise HandledElsewhere(update_key)


async def is_finished(session: AsyncSession, channel: Channel, update_key: str) -> bool:
    """Read-only: lets a transport skip a redelivery before it acts on it."""
    finished = await session.scalar(
        select(ProcessedUpdate.finished_at).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == update_key
        )
    )
    return finished is not None
