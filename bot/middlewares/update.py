"""One session and one unit of work per update, with the update's bookkeeping in its commit.

1. Who is writing and the chat's conversation state come from memory (services/known_people.py,
   bot/state/stores.py); the ordinary update runs no statement before its handler.
2. The handler calls a service, which commits its work once. That commit also marks the update
   finished and writes the conversation state the handler changed (UpdateWork below), so a crash
   keeps both or neither, and a redelivery of an update that wrote changes nothing twice.
3. What the handler changed without a service commit (a state change) goes in a last short
   transaction after it; an update that changed nothing writes nothing.

Attempts are noted in the local journal (bot/state/ledger.py); an update a crash cut off is
counted in the database on each redelivery and dropped after `MAX_ATTEMPTS`. No transaction is
open while the handler awaits the network: services end theirs before they return
(services/uow.py).
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

from bot.state.ledger import UpdateLedger
from bot.state.stores import DatabaseStates, RedisStates, Snapshot, StateStore, read_state
from bot.state.update_state import UpdateState
from services.channels import Channel
from services.known_people import KnownPeople
from services.uow import unit_of_work
from services.updates import Attempt, HandledElsewhere, count_attempt, mark_finished
from storage.base import utcnow
from storage.commit_hooks import add_commit_hook

log = logging.getLogger(__name__)


class UpdateWork:
    """The update's bookkeeping, written by whichever commit comes next."""

    def __init__(
        self,
        channel: Channel,
        update_key: str,
        state: UpdateState | None,
        store: StateStore,
        *,
        careful: bool,
    ) -> None:
        self.channel, self.update_key = channel, update_key
        self.state, self.store = state, store
        self.careful = careful  # its attempt is counted in the database: mark it finished there
        self.finished = False
        self._committing: tuple[int, Snapshot] | None = None
        self._written_at = utcnow()

    def before_commit(self, session: Session) -> None:
        if not self.finished:
            mark_finished(session, self.channel, self.update_key, utcnow())
        if self.state is not None and self.state.version != self.state.committed[0]:
            self._committing = (self.state.version, self.state.snapshot())
            if isinstance(self.store, DatabaseStates):
                self._written_at = self.store.write(session, self.state.key, self._committing[1])

    def after_commit(self) -> None:
        self.finished = True
        if self.state is not None and self._committing is not None:
            self.state.committed = self._committing
            if isinstance(self.store, DatabaseStates):
                self.state.stored = self._committing[0]
                self.store.remember(self.state.key, self._committing[1], self._written_at)
            self._committing = None

    async def settle(self, session: AsyncSession) -> None:
        """After the handler: a state changed alone is written behind (or to Redis); an update
        counted in the database is marked finished there."""
        if self.careful and not self.finished:
            await session.commit()
        state = self.state
        if isinstance(self.store, DatabaseStates) and state is not None and state.dirty:
            snapshot = state.snapshot()
            self.store.write_behind(state.key, snapshot)
            state.committed, state.stored = (state.version, snapshot), state.version
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
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        store: StateStore,
        people: KnownPeople,
        ledger: UpdateLedger,
    ) -> None:
        self.sessions = sessions
        self.store = store
        self.people = people
        self.ledger = ledger

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        channel: Channel = data.setdefault("channel", Channel.TELEGRAM)
        update_key = data.get("update_key") or str(event.update_id)
        noted = (str(channel), update_key)
        if self.ledger.finished_lately(noted):
            return UNHANDLED
        careful = self.ledger.suspect(noted)
        journaled = not careful  # a careful update's attempts are counted in the database
        if careful:
            if not await self._count_attempt(channel, update_key):
                return UNHANDLED
        else:
            self.ledger.started(noted)
        user: User | None = data.get("event_from_user")
        key = state_key(data["bot"], data.get(EVENT_CONTEXT_KEY))
        try:
            actor = (
                await self.people.recognise(self.sessions, channel, str(user.id))
                if user is not None
                else None
            )
            snapshot = await read_state(self.store, self.sessions, key) if key is not None else None
        except BaseException:
            await self.ledger.failed(self.sessions, noted, journaled=journaled)
            raise
        async with self.sessions() as session:
            state = UpdateState(key, snapshot) if key is not None and snapshot is not None else None
            work = UpdateWork(channel, update_key, state, self.store, careful=careful)
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
                self.ledger.ended(noted, journaled=journaled)
                log.info("update %s %s was finished by another copy", channel, update_key)
                return UNHANDLED
            except BaseException:
                # Before the error path runs: it reads the state as it was, not half-changed.
                await work.fail(session)
                await self.ledger.failed(self.sessions, noted, journaled=journaled)
                raise
            self.ledger.ended(noted, journaled=journaled)
            return result

    async def _count_attempt(self, channel: Channel, update_key: str) -> bool:
        """A redelivery of an update a crash cut off; False when it must not be handled."""
        async with self.sessions() as session, unit_of_work(session):
            attempt: Attempt = await count_attempt(session, channel, update_key, utcnow())
            if attempt.given_up:
                await session.run_sync(mark_finished, channel, update_key, utcnow())
        if attempt.finished_before:
            self.ledger.ended((str(channel), update_key), journaled=False)
            return False
        if attempt.given_up:
            self.ledger.ended((str(channel), update_key), journaled=False)
            log.error(
                "update %s %s dropped after %d attempts", channel, update_key, attempt.number - 1
            )
            return False
        return True


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
