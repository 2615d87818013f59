"""Conversation state in our own database, inside the update's transaction when there is one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from storage.engine import current_session
from storage.models import FsmRecord


@event.listens_for(Session, "after_soft_rollback")
def _forget_cached_records(session: Session, _previous: Any) -> None:
    # A rollback expires or expunges the cached records; reading them again must hit the table.
    session.info.pop("fsm_records", None)


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
            return await self._lookup(session, self._keys.build(key))
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
    async def _lookup(session: AsyncSession, key: str) -> FsmRecord | None:
        """One SELECT per chat and update: a handler reads state several times, mostly absent."""
        known: dict[str, FsmRecord | None] = session.info.setdefault("fsm_records", {})
        if key not in known:
            known[key] = await session.get(FsmRecord, key)
        return known[key]

    async def _upsert(self, session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        record = await self._lookup(session, key)
        if record is None:
            if not any(values.values()):
                return
            record = FsmRecord(key=key, state=None, data={})
            session.add(record)
            session.info.setdefault("fsm_records", {})[key] = record
        for name, value in values.items():
            setattr(record, name, value)
        if record.state is None and not record.data:
            # Nothing left to remember about this chat.
            if record in session.new:
                session.expunge(record)
            else:
                await session.delete(record)
            session.info.setdefault("fsm_records", {})[key] = None
