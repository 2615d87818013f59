"""Who is writing, without a query on the ordinary update.

Every account that belongs to a person is listed once at start-up (one query), so a
newcomer's account is known to be new without asking the database; a registered person's
Actor (name, locale, roles) is read once and kept for up to FRESH_FOR. Commits that change
people tell this cache (storage/changes.py), in this process directly and in others through
the bot's relay (Redis), and it forgets what they named. A read that raced with such a change
is not kept.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.channels import Channel
from services.people import Actor, load_account
from services.uow import reading, unit_of_work
from storage.changes import PeopleChange, people_changed
from storage.models.people import ChannelIdentity

Account = tuple[str, str]  # (channel, external id)
ACTORS_KEPT = 200_000
# A kept Actor is read again after this long: changes no commit listener heard (another process
# without Redis, Redis down for a while, raw SQL, a cascade) are seen within it.
FRESH_FOR = 60.0  # seconds


class KnownPeople:
    def __init__(self, kept: int = ACTORS_KEPT) -> None:
        self.kept = kept
        # None until loaded, or after a change that named nobody: then every account is asked.
        self._accounts: set[Account] | None = None
        self._actors: OrderedDict[Account, tuple[Actor, bool, float]] = OrderedDict()
        self._by_person: dict[int, set[Account]] = {}
        self._by_identity: dict[int, Account] = {}
        self._generation = 0  # moves on every change heard
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._reloading: asyncio.Task[int] | None = None

    async def load(self, sessions: async_sessionmaker[AsyncSession]) -> int:
        self._sessions = sessions
        generation = self._generation
        async with sessions() as session, reading(session):
            rows = await session.execute(
                select(ChannelIdentity.channel, ChannelIdentity.external_id)
            )
            accounts = {(channel, external_id) for channel, external_id in rows}
        if generation == self._generation:
            self._accounts = accounts
        return len(accounts)

    async def recognise(
        self, sessions: async_sessionmaker[AsyncSession], channel: Channel, external_id: str
    ) -> Actor | None:
        """The person writing now; someone who writes to us has unblocked us."""
        account = (str(channel), external_id)
        if self._accounts is None:
            self._reload_accounts()
        elif account not in self._accounts:
            return None
        kept = self._actors.get(account)
        if kept is None or time.monotonic() - kept[2] > FRESH_FOR:
            generation = self._generation
            async with sessions() as session, reading(session):
                found = await load_account(session, channel, external_id)
            if generation != self._generation:
                return found[0] if found else None  # raced with a change: not kept
            if found is None:
                self._drop(account)
                if self._accounts is not None:
                    self._accounts.discard(account)
                return None
            kept = (*found, time.monotonic())
            self._remember(account, kept)
        actor, blocked, _ = kept
        self._actors.move_to_end(account)
        if blocked:
            await self._unblock(sessions, actor)
        return actor

    async def close(self) -> None:
        if self._reloading is not None:
            await asyncio.gather(self._reloading, return_exceptions=True)

    def _reload_accounts(self) -> None:
        """After a change that named nobody: list every account again, in the background."""
        if self._sessions is None or (self._reloading and not self._reloading.done()):
            return
        self._reloading = asyncio.create_task(self.load(self._sessions))

    async def _unblock(self, sessions: async_sessionmaker[AsyncSession], actor: Actor) -> None:
        async with sessions() as session, unit_of_work(session):
            await session.execute(
                update(ChannelIdentity)
                .where(ChannelIdentity.id == actor.identity_id)
                .values(blocked=False, blocked_at=None)
            )
            people_changed(session, identities=[actor.identity_id])

    def _remember(self, account: Account, found: tuple[Actor, bool, float]) -> None:
        self._actors[account] = found
        actor = found[0]
        self._by_person.setdefault(actor.person_id, set()).add(account)
        self._by_identity[actor.identity_id] = account
        if self._accounts is not None:
            self._accounts.add(account)
        while len(self._actors) > max(self.kept, 1):
            self._drop(next(iter(self._actors)))

    def _drop(self, account: Account) -> None:
        kept = self._actors.pop(account, None)
        if kept is None:
            return
        actor = kept[0]
        self._by_identity.pop(actor.identity_id, None)
        accounts = self._by_person.get(actor.person_id)
        if accounts is not None:
            accounts.discard(account)
            if not accounts:
                del self._by_person[actor.person_id]

    def forget(self, change: PeopleChange) -> None:
        """A commit changed these people (here or in another process)."""
        self._generation += 1
        if change.everyone:
            self._actors.clear()
            self._by_person.clear()
            self._by_identity.clear()
            self._accounts = None
            return
        if self._accounts is not None:
            # Maybe registered now: asked on their next update, then known again.
            self._accounts.update(change.accounts)
        gone = set(change.accounts)
        for person_id in change.persons:
            gone.update(self._by_person.get(person_id, ()))
        for identity_id in change.identities:
            if identity_id in self._by_identity:
                gone.add(self._by_identity[identity_id])
        for account in gone:
            self._drop(account)
