"""Where conversation state lives between updates: our database (default) or Redis.

`DatabaseStates` is written inside the commit of the update's own work: nothing lost or
half-kept on a crash; it is read from memory. `RedisStates` is read and written
outside any database transaction (Redis is a network call): right after the update's commit,
so a crash between the two loses that state change.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from services.system import ABANDONED_CONVERSATION
from services.uow import reading
from storage.base import utcnow
from storage.dialect import insert_for
from storage.models.system import FsmRecord


@dataclass
class Snapshot:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data


class DatabaseStates:
    """Single-process: this process's memory is the read path, the database the record.

    Every conversation in the database is read once at start-up; after that a chat's state is
    read from memory and written to the database in the update's commit, then to memory. Run
    several processes against one database with Redis states (REDIS_URL) instead.
    """

    def __init__(self, kept_for: timedelta = ABANDONED_CONVERSATION) -> None:
        self._keys = DefaultKeyBuilder(with_destiny=True)
        self.kept_for = kept_for
        self._known: dict[str, tuple[Snapshot, datetime]] = {}
        self._complete = False  # every record is in _known: a missing key is an empty state

    async def preload(self, sessions: async_sessionmaker[AsyncSession]) -> int:
        async with sessions() as session, reading(session):
            rows = await session.execute(
                select(FsmRecord.key, FsmRecord.state, FsmRecord.data, FsmRecord.updated_at)
            )
            for built, state, data, updated_at in rows:
                self._known[built] = (Snapshot(state, dict(data or {})), updated_at)
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
        return Snapshot(snapshot.state, deepcopy(snapshot.data))

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
        return Snapshot(state, deepcopy(snapshot.data))

    def write(self, session: Session, key: StorageKey, snapshot: Snapshot) -> None:
        """Inside a commit (synchronous); `remember` once it succeeded."""
        built = self._keys.build(key)
        if snapshot.empty:
            # Nothing left to remember about this chat.
            session.execute(delete(FsmRecord).where(FsmRecord.key == built))
            return
        values = {"state": snapshot.state, "data": snapshot.data, "updated_at": utcnow()}
        session.execute(
            insert_for(session, FsmRecord)
            .values(key=built, **values)
            .on_conflict_do_update(index_elements=["key"], set_=values)
        )

    def remember(self, key: StorageKey, snapshot: Snapshot) -> None:
        built = self._keys.build(key)
        if snapshot.empty:
            self._known.pop(built, None)
        else:
            self._known[built] = (Snapshot(snapshot.state, deepcopy(snapshot.data)), utcnow())

    async def close(self) -> None:
        return None


class RedisStates:
    def __init__(self, url: str) -> None:
        self._redis = RedisStorage.from_url(url)

    async def fetch(self, key: StorageKey) -> Snapshot:
        state = await self._redis.get_state(key)
        return Snapshot(state, await self._redis.get_data(key))

    async def save(self, key: StorageKey, snapshot: Snapshot) -> None:
        await self._redis.set_state(key, snapshot.state)
        await self._redis.set_data(key, snapshot.data)

    async def close(self) -> None:
        await self._redis.close()


StateStore = DatabaseStates | RedisStates
