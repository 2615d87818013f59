"""Conversation state in our own database, inside the update's transaction when there is one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import current_session
from storage.models import FsmRecord


class SqlStorage(BaseStorage):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._keys = DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return dict(record.data) if record and record.data else {}

    async def close(self) -> None:
        return None

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        session = current_session.get()
        if session is not None:
            return await session.get(FsmRecord, self._keys.build(key))
        async with self._session_factory() as own:
            return await own.get(FsmRecord, self._keys.build(key))

    async def _write(self, key: StorageKey, **values: Any) -> None:
        session = current_session.get()
        if session is not None:
            await self._upsert(session, self._keys.build(key), values)
            return
        async with self._session_factory() as own:
            await self._upsert(own, self._keys.build(key), values)
            await own.commit()

    @staticmethod
    async def _upsert(session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        record = await session.get(FsmRecord, key)
        if record is None:
            record = FsmRecord(key=key, state=None, data={})
            if not any(values.values()):
                return
            session.add(record)
        for name, value in values.items():
            setattr(record, name, value)
        if record.state is None and not record.data:
            await session.delete(record)  # nothing left to remember about this chat
