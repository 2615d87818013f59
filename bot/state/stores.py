"""Where conversation state lives between updates: our database (default) or Redis.

`DatabaseStates` is read in the update's first transaction and written inside the commit of
the update's own work: nothing lost or half-kept on a crash. `RedisStates` is read and written
outside any database transaction (Redis is a network call): right after the update's commit,
so a crash between the two loses that state change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.dialect import insert_for
from storage.models.system import FsmRecord

if TYPE_CHECKING:
    from aiogram.fsm.storage.redis import RedisStorage


@dataclass
class Snapshot:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data


class DatabaseStates:
    def __init__(self) -> None:
        self._keys = DefaultKeyBuilder(with_destiny=True)

    async def load(self, session: AsyncSession, key: StorageKey) -> Snapshot:
        """In the caller's transaction."""
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
        """Inside a commit (synchronous)."""
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

    async def close(self) -> None:
        return None


class RedisStates:
    def __init__(self, url: str) -> None:
        # Imported here: the redis client costs a fifth of a second at every start without it.
        from aiogram.fsm.storage.redis import RedisStorage

        self._redis: RedisStorage = RedisStorage.from_url(url)

    async def fetch(self, key: StorageKey) -> Snapshot:
        state = await self._redis.get_state(key)
        return Snapshot(state, await self._redis.get_data(key))

    async def save(self, key: StorageKey, snapshot: Snapshot) -> None:
        await self._redis.set_state(key, snapshot.state)
        await self._redis.set_data(key, snapshot.data)

    async def close(self) -> None:
        await self._redis.close()


StateStore = DatabaseStates | RedisStates
