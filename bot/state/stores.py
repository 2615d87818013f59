"""Where conversation state lives between updates: our database (default) or Redis.

The database store is written inside the commit of the update's own work (no transaction of
its own, nothing lost or half-kept on a crash); Redis, outside any database transaction, right
after the handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

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


class StateStore(Protocol):
    # True: `load` runs in the update's first transaction and `write` inside its commits.
    # False: `fetch` and `save` run outside any database transaction.
    transactional: bool

    async def load(self, session: AsyncSession, key: StorageKey) -> Snapshot: ...

    def write(self, session: Session, key: StorageKey, snapshot: Snapshot) -> None: ...

    async def fetch(self, key: StorageKey) -> Snapshot: ...

    async def save(self, key: StorageKey, snapshot: Snapshot) -> None: ...

    async def close(self) -> None: ...


class SqlStates:
    transactional = True

    def __init__(self) -> None:
        self._keys = DefaultKeyBuilder(with_destiny=True)

    async def load(self, session: AsyncSession, key: StorageKey) -> Snapshot:
        row = (
            await session.execute(
                select(FsmRecord.state, FsmRecord.data).where(
                    FsmRecord.key == self._keys.build(key)
                )
            )
        ).one_or_none()
        if row is None:
            return Snapshot()
        state, data = row
        return Snapshot(state, dict(data or {}))

    def write(self, session: Session, key: StorageKey, snapshot: Snapshot) -> None:
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

    async def fetch(self, key: StorageKey) -> Snapshot:
        raise NotImplementedError("the database store loads inside the update's transaction")

    async def save(self, key: StorageKey, snapshot: Snapshot) -> None:
        raise NotImplementedError("the database store writes inside the update's commit")

    async def close(self) -> None:
        return None


class RedisStates:
    transactional = False

    def __init__(self, url: str) -> None:
        self._redis = RedisStorage.from_url(url)

    async def load(self, session: AsyncSession, key: StorageKey) -> Snapshot:
        raise NotImplementedError("Redis is read outside database transactions")

    def write(self, session: Session, key: StorageKey, snapshot: Snapshot) -> None:
        raise NotImplementedError("Redis is written outside database transactions")

    async def fetch(self, key: StorageKey) -> Snapshot:
        state = await self._redis.get_state(key)
        return Snapshot(state, await self._redis.get_data(key))

    async def save(self, key: StorageKey, snapshot: Snapshot) -> None:
        await self._redis.set_state(key, snapshot.state)
        await self._redis.set_data(key, snapshot.data)

    async def close(self) -> None:
        await self._redis.close()
