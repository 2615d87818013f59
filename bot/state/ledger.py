"""What this process knows about incoming updates, so the ordinary one costs no statement.

- Updates finished lately (here, or before the last restart): a redelivery of one (a webhook
  retried after a slow answer, polling after a crash) is dropped without asking the database.
- Updates a crash cut off (from the journal and the database, read at start-up): their
  redeliveries take the careful path, an attempt counted in the database before handling.
- Everything else is noted in the local journal when it starts and ends.

What a crash can lose: nothing an update committed. A read-only update's answer that was sent
but not yet confirmed to Telegram is sent again after the restart; an update that wrote is not
applied twice (its finished mark commits with its work).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.state.journal import UpdateJournal, UpdateKey
from services.uow import unit_of_work
from services.updates import add_cut_off, finished_lately, unfinished
from storage.base import utcnow

RECENT_KEPT = 10_000


class UpdateLedger:
    def __init__(self, journal_path: Path) -> None:
        self.journal = UpdateJournal(journal_path)
        self._recent: OrderedDict[UpdateKey, None] = OrderedDict()
        # Insertion-ordered, so the oldest go first when there are too many.
        self._suspects: dict[UpdateKey, None] = {}

    async def open(self, sessions: async_sessionmaker[AsyncSession]) -> int:
        """At start-up: attempts a crash cut off go to the database; returns how many."""
        cut_off = self.journal.open()
        async with sessions() as session, unit_of_work(session):
            if cut_off:
                await add_cut_off(session, cut_off, utcnow())
            self._suspects = dict.fromkeys(await unfinished(session))
            for key in reversed(await finished_lately(session, RECENT_KEPT)):
                self._recent[key] = None
        return len(cut_off)

    def finished_lately(self, key: UpdateKey) -> bool:
        return key in self._recent

    def suspect(self, key: UpdateKey) -> bool:
        """A crash cut this update off before: count its attempts in the database."""
        return key in self._suspects

    def started(self, key: UpdateKey) -> None:
        self.journal.started(key)

    def ended(self, key: UpdateKey, *, journaled: bool) -> None:
        """The handler returned: a redelivery is dropped."""
        if journaled:
            self.journal.ended(key)
        self._suspects.pop(key, None)
        self._recent[key] = None
        if len(self._recent) > RECENT_KEPT:
            self._recent.popitem(last=False)

    async def failed(
        self, sessions: async_sessionmaker[AsyncSession], key: UpdateKey, *, journaled: bool
    ) -> None:
        """The handler raised: if the update comes again, it counts as an attempt, as one a
        crash cut off (rare, so a statement here is cheap)."""
        if journaled:
            async with sessions() as session, unit_of_work(session):
                await add_cut_off(session, {key: 1}, utcnow())
            self.journal.ended(key)
        self._suspects[key] = None
        if len(self._suspects) > RECENT_KEPT:
            # Handled errors are answered and seldom come again: the oldest go first.
            del self._suspects[next(iter(self._suspects))]

    def close(self) -> None:
        self.journal.close()
