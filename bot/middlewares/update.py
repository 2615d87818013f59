"""One session and one unit of work per update, with the update's bookkeeping in its commit.

1. A short first transaction: count this attempt at the update, find who is writing, read the
   chat's conversation state. It commits before any handler runs.
2. The handler calls a service, which commits its work once. That commit also marks the update
   finished and writes the conversation state the handler changed (UpdateWork below), so a crash
   keeps both or neither; a redelivery of a finished update is dropped, one cut short by a crash
   is handled again, one that failed `MAX_ATTEMPTS` times is dropped.
3. What the handler changed without a service commit (a read-only reply, a state change) goes
   in a last short transaction after it.

No transaction is open while the handler awaits the network: services end theirs before they
return (services/uow.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.middlewares.user_context import EVENT_CONTEXT_KEY, EventContext
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.state.stores import DatabaseStates, RedisStates, Snapshot, StateStore
from bot.state.update_state import UpdateState
from services.channels import Channel
from services.people import Actor, recognise
from services.updates import Attempt, HandledElsewhere, count_attempt, mark_finished
from storage.base import utcnow
from storage.commit_hooks import add_commit_hook

log = logging.getLogger(__name__)


class UpdateWork:
    """The update's bookkeeping, written by whichever commit comes next."""

    def __init__(
        self, channel: Channel, update_key: str, state: UpdateState | None, store: StateStore
    ) -> None:
        self.channel, self.update_key = channel, update_key
        self.state, self.store = state, store
        self.in_database = isinstance(store, DatabaseStates)
        self.finished = False
        self._committing: tuple[int, Snapshot] | None = None

    def before_commit(self, session: Session) -> None:
        if not self.finished:
            mark_finished(session, self.channel, self.update_key, utcnow())
        if self.state is not None and self.state.version != self.state.committed[0]:
            self._committing = (self.state.version, self.state.snapshot())
            if isinstance(self.store, DatabaseStates):
                self.store.write(session, self.state.key, self._committing[1])

    def after_commit(self) -> None:
        self.finished = True
        if self.state is not None and self._committing is not None:
            self.state.committed = self._committing
            if self.in_database:
                self.state.stored = self._committing[0]
            self._committing = None

    async def settle(self, session: AsyncSession) -> None:
        """After the handler: commit what no service committed; Redis gets the state after."""
        state_unwritten = self.in_database and self.state is not None and self.state.dirty
        if not self.finished or state_unwritten:
            await session.commit()
        await self._save_elsewhere()

    async def fail(self, session: AsyncSession) -> None:
        """The handler failed: its uncommitted work and state changes go; what a service
        committed stays, its state included."""
        await session.rollback()
        if self.state is not None:
            self.state.discard()
        await self._save_elsewhere()

    async def _save_elsewhere(self) -> None:
        if isinstance(self.store, RedisStates) and self.state is not None and self.state.dirty:
            version, snapshot = self.state.version, self.state.snapshot()
            await self.store.save(self.state.key, snapshot)
            self.state.stored = version


class UpdateMiddleware(BaseMiddleware):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: StateStore) -> None:
        self.sessions = sessions
        self.store = store

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        channel: Channel = data.setdefault("channel", Channel.TELEGRAM)
        update_key = data.get("update_key") or str(event.update_id)
        user: User | None = data.get("event_from_user")
        key = state_key(data["bot"], data.get(EVENT_CONTEXT_KEY))
        async with self.sessions() as session:
            begun = await self._begin(session, channel, update_key, user, key)
            if begun is None:
                return UNHANDLED
            actor, snapshot = begun
            if isinstance(self.store, RedisStates) and key is not None:
                snapshot = await self.store.fetch(key)
            state = UpdateState(key, snapshot) if key is not None and snapshot is not None else None
            work = UpdateWork(channel, update_key, state, self.store)
            add_commit_hook(session, work)
            data["session"] = session
            data["actor"] = actor
            if state is not None:
                data["state"] = FSMContext(storage=state, key=state.key)
                data["raw_state"] = snapshot.state if snapshot else None
            try:
                result = await handler(event, data)
                await work.settle(session)
            except HandledElsewhere:
                await session.rollback()
                log.info("update %s %s was finished by another copy", channel, update_key)
                return UNHANDLED
            except BaseException:
                # Before the error path runs: it reads the state as it was, not half-changed.
                await work.fail(session)
                raise
            return result

    async def _begin(
        self,
        session: AsyncSession,
        channel: Channel,
        update_key: str,
        user: User | None,
        key: StorageKey | None,
    ) -> tuple[Actor | None, Snapshot | None] | None:
        """The first transaction; None when the update must not be handled."""
        attempt: Attempt = await count_attempt(session, channel, update_key, utcnow())
        if attempt.finished_before:
            await session.rollback()
            return None
        if attempt.given_up:
            await session.run_sync(mark_finished, channel, update_key, utcnow())
            await session.commit()
            log.error(
                "update %s %s dropped after %d attempts", channel, update_key, attempt.number - 1
            )
            return None
        actor = await recognise(session, channel, str(user.id)) if user is not None else None
        snapshot = None
        if key is not None and isinstance(self.store, DatabaseStates):
            snapshot = await self.store.load(session, key)
        await session.commit()
        return actor, snapshot


def state_key(bot: Bot, context: EventContext | None) -> StorageKey | None:
    """The chat's key, as aiogram's FSM middleware builds it (one state per user in a chat)."""
    if context is None or context.user_id is None:
        return None
    return StorageKey(
        bot_id=bot.id,
        chat_id=context.chat_id if context.chat_id is not None else context.user_id,
        user_id=context.user_id,
        thread_id=context.thread_id,
        business_connection_id=context.business_connection_id,
    )
