"""Conversation states in our database, read from this process's memory.

Every conversation in the database is read once at start-up; after that a chat's state is read
from memory. A state changed together with a service's work is written in that commit (a crash
keeps both or neither). A state changed alone (a newcomer's /start, a language picked) is
written behind: memory at once, the database within `WRITE_BEHIND` seconds (the setting
STATE_WRITE_BEHIND_MS), many chats in one transaction; a clean stop writes them all. So a
crash (kill -9, power) can lose the last moments of such steps: that person's next answer no
longer leads on, and they send /start again. Each row carries when it changed, and an older
write never replaces a newer one, whatever order the transactions commit in.

Single-process: run several processes against one database with Redis states instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.state.snapshot import Snapshot
from services.system import ABANDONED_CONVERSATION
from services.uow import reading, unit_of_work
from storage.base import utcnow
from storage.dialect import insert_in
from storage.models.system import FsmRecord

log = logging.getLogger(__name__)
WRITE_BEHIND = 0.05  # seconds
RETRY_AFTER = 1.0
WRITER_TASK = "qamqor: states written behind"  # awaits no network inside its transactions


class DatabaseStates:
    def __init__(
        self, write_behind: float = WRITE_BEHIND, kept_for: timedelta = ABANDONED_CONVERSATION
    ) -> None:
        self._keys = DefaultKeyBuilder(with_destiny=True)
        self.write_behind_seconds = write_behind
        self.kept_for = kept_for
        self._known: dict[str, tuple[Snapshot, datetime]] = {}
        self._complete = False  # every record is in _known: a missing key is an empty state
        self._pending: dict[str, datetime] = {}  # written behind, not yet in the database
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    async def preload(self, sessions: async_sessionmaker[AsyncSession]) -> int:
        """Every conversation in the database, in memory instead of what it held."""
        self._sessions = sessions
        known: dict[str, tuple[Snapshot, datetime]] = {}
        async with sessions() as session, reading(session):
            rows = await session.execute(
                select(FsmRecord.key, FsmRecord.state, FsmRecord.data, FsmRecord.updated_at)
            )
            for built, state, data, updated_at in rows:
                known[built] = (Snapshot(state, dict(data or {})), updated_at)
        self._known = known
        self._complete = True
        return len(self._known)

    def cached(self, key: StorageKey) -> Snapshot | None:
        """A copy of the chat's state; None when it must be read from the database."""
        built = self._keys.build(key)
        found = self._known.get(built)
        if found is None:
            return Snapshot() if self._complete else None
        snapshot, updated_at = found
        if updated_at < utcnow() - self.kept_for:
            # The hourly purge deletes it (services/system.py): it is gone already.
            del self._known[built]
            return Snapshot()
        return snapshot.copy()

    async def load(self, session: AsyncSession, key: StorageKey) -> Snapshot:
        """In the caller's transaction."""
        row = (
            await session.execute(
                select(FsmRecord.state, FsmRecord.data, FsmRecord.updated_at).where(
                    FsmRecord.key == self._keys.build(key)
                )
            )
        ).one_or_none()
        if row is None:
            return Snapshot()
        state, data, updated_at = row
        snapshot = Snapshot(state, dict(data or {}))
        self._known[self._keys.build(key)] = (snapshot, updated_at)
        return snapshot.copy()

    def write(self, session: Session, key: StorageKey, snapshot: Snapshot) -> datetime:
        """Inside a commit (synchronous); `remember` with the time returned once it succeeded."""
        built = self._keys.build(key)
        upsert, remove = _statements(session.get_bind().dialect.name)
        now = utcnow()
        if snapshot.empty:
            session.execute(remove, {"b_key": built, "b_now": now})
            return now
        values = {"b_key": built, "b_state": snapshot.state, "b_data": snapshot.data, "b_now": now}
        session.execute(upsert, values)
        return now

    def remember(self, key: StorageKey, snapshot: Snapshot, changed: datetime) -> None:
        """Memory follows the database's rule: a change older than the one held is dropped
        (on PostgreSQL two transactions may commit in the other order than they changed)."""
        built = self._keys.build(key)
        held = self._known.get(built)
        if held is not None and held[1] > changed:
            return
        if snapshot.empty:
            self._known.pop(built, None)
        else:
            self._known[built] = (snapshot.copy(), changed)

    def write_behind(self, key: StorageKey, snapshot: Snapshot) -> None:
        """A state changed with no other work to commit: memory now, the database soon."""
        changed = utcnow()
        self.remember(key, snapshot, changed)
        self._pending[self._keys.build(key)] = changed
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name=WRITER_TASK)
        self._wake.set()

    async def flush(self) -> int:
        """Everything written behind goes to the database now; returns how many chats."""
        if not self._pending or self._sessions is None:
            return 0
        pending, self._pending = self._pending, {}
        try:
            async with self._sessions() as session, unit_of_work(session):
                # Read memory inside the transaction: what it holds now is the newest.
                await session.connection()
                await session.run_sync(self._write_many, pending)
        except BaseException:
            for built, stamp in pending.items():
                self._pending.setdefault(built, stamp)
            raise
        return len(pending)

    def _write_many(self, session: Session, pending: dict[str, datetime]) -> None:
        upsert, remove = _statements(session.get_bind().dialect.name)
        upserts, removals = [], []
        for built, stamp in pending.items():
            found = self._known.get(built)
            if found is None:
                removals.append({"b_key": built, "b_now": stamp})
            else:
                snapshot, changed = found
                upserts.append(
                    {
                        "b_key": built,
                        "b_state": snapshot.state,
                        "b_data": snapshot.data,
                        "b_now": changed,
                    }
                )
        if upserts:
            session.execute(upsert, upserts)
        if removals:
            session.execute(remove, removals)

    async def _write_pending(self) -> None:
        while not self._closing.is_set():
            await self._wake.wait()
            self._wake.clear()
            # Gathers the chats of the next moments too: one transaction for all of them.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.write_behind_seconds)
            try:
                await self.flush()
            except Exception:
                log.exception("conversation states not written yet; trying again")
                if self._closing.is_set():
                    return
                await asyncio.sleep(RETRY_AFTER)
                self._wake.set()

    async def close(self) -> None:
        """Writes what is pending. The writer is let finish, never cancelled: cancelled
        inside a statement it would leave the connection mid-transaction."""
        self._closing.set()
        self._wake.set()
        if self._writer is not None:
            await self._writer
            self._writer = None
        await self.flush()


@cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """(upsert, delete), built once on the table. Neither replaces a newer change: with
    several transactions in flight (PostgreSQL), the one that commits last may hold the
    older state."""
    table = cast(Table, FsmRecord.__table__)
    changed = bindparam("b_now", type_=table.c.updated_at.type)
    values = {
        "state": bindparam("b_state"),
        "data": bindparam("b_data", type_=table.c.data.type),
        "updated_at": changed,
    }
    statement = insert_in(dialect, table).values(key=bindparam("b_key"), **values)
    upsert = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={name: statement.excluded[name] for name in values},
        where=table.c.updated_at <= statement.excluded.updated_at,
    )
    remove = delete(table).where(table.c.key == bindparam("b_key"), table.c.updated_at <= changed)
    return upsert, remove
