"""Incoming updates: each is handled to the end once, even across crashes and redeliveries.

An update that writes is marked finished in the same commit as its work (see
bot/middlewares/update.py), so a redelivery of it changes nothing twice. Attempts are noted in
a local journal (bot/state/journal.py) and only those a crash cut off reach the database; from
then on every redelivery of such an update is counted here before it is handled, and one that
crashed us `MAX_ATTEMPTS` times is dropped instead of looping forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.channels import Channel
from storage.dialect import insert_in
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


@cache
def _upsert(dialect: str, finish: bool) -> Any:
    """Built once per dialect, on the table rather than the ORM class: these run for every
    update that writes, and building a statement or the ORM's bulk path costs more than
    running it."""
    table = cast(Table, ProcessedUpdate.__table__)
    values: dict[str, Any] = {
        "channel": bindparam("b_channel"),
        "update_key": bindparam("b_key"),
        "processed_at": bindparam("b_now"),
        "attempts": bindparam("b_attempts"),
    }
    if finish:
        values["finished_at"] = bindparam("b_now")
        change: dict[str, Any] = {"finished_at": bindparam("b_now")}
    else:
        change = {"attempts": table.c.attempts + bindparam("b_attempts")}
    return (
        insert_in(dialect, table)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["channel", "update_key"],
            set_=change,
            where=table.c.finished_at.is_(None),
        )
        .returning(table.c.attempts)
    )


async def count_attempt(
    session: AsyncSession, channel: Channel, update_key: str, now: datetime
) -> Attempt:
    """One statement in the caller's transaction: insert the attempt, or count one more."""
    statement = _upsert(session.get_bind().dialect.name, False)
    values = {"b_channel": channel, "b_key": update_key, "b_now": now, "b_attempts": 1}
    return Attempt(await session.scalar(statement, values) or 0)


def mark_finished(session: Session, channel: Channel, update_key: str, now: datetime) -> None:
    """Inside a commit (synchronous): the update's work and this mark go together. Raises
    HandledElsewhere when the update was finished before (a redelivery, or a copy)."""
    statement = _upsert(session.get_bind().dialect.name, True)
    values = {"b_channel": channel, "b_key": update_key, "b_now": now, "b_attempts": 1}
    if session.execute(statement, values).scalar() is None:
        raise HandledElsewhere(update_key)


async def add_cut_off(
    session: AsyncSession, cut_off: Mapping[tuple[str, str], int], now: datetime
) -> None:
    """Attempts a crash cut off (bot/state/journal.py), counted in the caller's transaction."""
    statement = _upsert(session.get_bind().dialect.name, False)
    for (channel, update_key), attempts in cut_off.items():
        values = {"b_channel": channel, "b_key": update_key, "b_now": now, "b_attempts": attempts}
        await session.execute(statement, values)


async def finished_lately(session: AsyncSession, limit: int) -> list[tuple[str, str]]:
    """The updates finished last, newest first: Telegram redelivers what it had sent before a
    restart, and a copy of one of them must be dropped before its handler runs."""
    rows = await session.execute(
        select(ProcessedUpdate.channel, ProcessedUpdate.update_key)
        .where(ProcessedUpdate.finished_at.is_not(None))
        .order_by(ProcessedUpdate.processed_at.desc())
        .limit(limit)
    )
    return [(channel, key) for channel, key in rows]


async def unfinished(session: AsyncSession) -> set[tuple[str, str]]:
    """Updates begun and never finished: redeliveries of these are counted before handling."""
    rows = await session.execute(
        select(ProcessedUpdate.channel, ProcessedUpdate.update_key).where(
            ProcessedUpdate.finished_at.is_(None)
        )
    )
    return {(channel, key) for channel, key in rows}


async def is_finished(session: AsyncSession, channel: Channel, update_key: str) -> bool:
    """Read-only: lets a transport skip a redelivery before it acts on it."""
    finished = await session.scalar(
        select(ProcessedUpdate.finished_at).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == update_key
        )
    )
    return finished is not None
