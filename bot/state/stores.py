"""Where conversation state lives between updates: our database (default) or Redis.

`DatabaseStates`: see bot/state/database_states.py. `RedisStates` is read and written outside
any database transaction (Redis is a network call): right after the update's commit, so a
crash between the two loses that state change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.state.database_states import DatabaseStates
from bot.state.snapshot import Snapshot
from services.uow import reading

if TYPE_CHECKING:
    from aiogram.fsm.storage.redis import RedisStorage

__all__ = ["DatabaseStates", "RedisStates", "Snapshot", "StateStore", "read_state"]


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


async def read_state(
    store: StateStore, sessions: async_sessionmaker[AsyncSession], key: StorageKey
) -> Snapshot:
    """A chat's state: from Redis, or from memory, or read from the database in a short read."""
    if isinstance(store, RedisStates):
        return await store.fetch(key)
    cached = store.cached(key)
    if cached is not None:
        return cached
    async with sessions() as session, reading(session):
        return await store.load(session, key)
