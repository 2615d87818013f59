"""Sends one channel's outbox rows at that channel's limits; a crash loses no row.

Payload of a row (``OutboxMessage.payload``)::

    {"text": "Hi!", "reply_markup": {"inline_keyboard": [[{"text": "OK", "callback_data": "1"}]]}}

``text`` is required; ``reply_markup`` is optional, an ``InlineKeyboardMarkup`` as a dict. A
courier (``bot.couriers``) posts it on its channel: Telegram to ``chat_id=int(external_id)``,
WhatsApp as text with numbered options, or as a template outside the 24-hour window.

Pacing: Telegram counts a request when it arrives, which is after we send it and before its
answer comes back. So a request leaves only when fewer than ``rate`` were answered in the last
``WINDOW`` seconds or are still in flight, and a chat's next request only ``WINDOW /
per_chat_rate`` after its last answer: the limits hold whatever the latency and its jitter, at the
cost of sending ``latency x rate`` fewer a second. Claimed rows wait in a heap ordered by when they
may go, then by claim order (priority), so a chat that must wait never holds up the others; up to
``max_in_flight`` requests overlap. A row whose chat would keep it waiting long goes back to the
table with ``not_before`` at its turn.

Errors (as the courier translates them): a rate limit pauses all sending for its delay and puts
the row back untouched; a blocked recipient marks the identity blocked; server and network errors
retry with back-off until ``max_attempts``; anything else fails the row at once. A row that fails
or whose recipient blocked us is queued once on the person's other channel, if they linked one.

Delivery is at least once: a request in flight when the process dies is sent again once its lease
lapses. A send holds its in-flight slot until its row is committed as sent, so at most
``max_in_flight`` rows can be sent twice. Sent rows are committed in groups: a group waits up to
``GROUP_WINDOW`` for others to join, so one commit records many sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox.couriers import (
    Courier,
    PermanentFailure,
    RecipientBlocked,
    RetryAfter,
    TemporaryFailure,
    describe,
)
from bot.outbox.pacing import TICK, WINDOW, Pacer
from bot.outbox.queue import DrainState, DrainStats
from services.messaging import sending
from services.messaging.outbox import OutboxItem, retry_delay
from storage.base import utcnow
from storage.models.messaging import OutboxStatus

log = logging.getLogger(__name__)

# A claim takes this many seconds of work, and a row waits at most this long for its chat.
AHEAD_SECONDS = 2.0
# Requests under way at once, counting sent rows waiting for their group commit: 16 of up to
# 100 ms each still carry 160 a second.
MAX_IN_FLIGHT = 16
# A group commit waits this long for more sends to join it (or for half the slots to): a
# commit costs about 1.3 ms of CPU whatever its size, and at 300/s groups were 2 rows.
GROUP_WINDOW = 0.02


@dataclass
class _Group:
    """Rows sent since the last group commit started."""

    ids: list[int] = field(default_factory=list)
    provider_sids: dict[int, str] = field(default_factory=dict)
    committed: bool = False
    full: asyncio.Event = field(default_factory=asyncio.Event)


class OutboxSender:
    def __init__(
        self,
        courier: Courier,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        rate: float,
        per_chat_rate: float,
        max_attempts: int,
        lease: timedelta,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self._courier = courier
        self._sessions = session_factory
        self._max_attempts = max_attempts
        self._lease = lease
        self.max_in_flight = max_in_flight
        self._slots = asyncio.Semaphore(max_in_flight)
        self._pacer = Pacer(rate)
        self._chat_interval = WINDOW / per_chat_rate
        # Held rows must go (or go back) well within their lease, or a second sender could
        # claim and send them too.
        self._ahead = min(AHEAD_SECONDS, lease.total_seconds() / 4)
        self._max_hold = lease.total_seconds() / 2
        self._batch = max(1, round(rate * self._ahead))
        # chat -> monotonic time it may receive again; infinity while a request to it is out
        self._chat_free: dict[str, float] = {}
        self._paused_until = 0.0
        # One writer at a time: concurrent SQLite writers sleep in its busy handler for ms.
        self._writing = asyncio.Lock()
        self._sent = _Group()
        self._group_size = max(1, max_in_flight // 2)

    async def drain(self) -> DrainStats:
        """Send everything due, waiting for rows put back by pacing, 429s and retries."""
        return await self._drain(asyncio.Event(), wait_for_later=True)

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        """Send what is due until `stop` is set; rows put back are found by a later poll."""
        while not stop.is_set():
            try:
                await self._drain(stop, wait_for_later=False)
            except Exception:
                # A database or programming error must not end the outbox for the process.
                log.exception("outbox sender failed; trying again in %s s", poll_seconds)
            await _nap(stop, poll_seconds)

    async def _drain(self, stop: asyncio.Event, *, wait_for_later: bool) -> DrainStats:
        run = DrainState(stop)
        started = time.monotonic()
        async with asyncio.TaskGroup() as tasks:
            while not stop.is_set():
                now = time.monotonic()
                if run.wants_rows(self._batch, now):
                    run.claiming = tasks.create_task(self._claim(run))
                if run.queue and run.queue[0].due <= now:
                    await self._dispatch(run, tasks)
                elif run.claiming or run.working:
                    # Their outcome may bring rows or put some back (429s, retries): look again.
                    await asyncio.sleep(TICK)
                elif run.queue:
                    await _nap(stop, run.queue[0].due - now)
                elif not (wait_for_later and await self._wait_for_later(run)):
                    break
            if run.claiming:
                await run.claiming
            await self._put_back_queued(run)
        run.stats.elapsed_seconds = time.monotonic() - started
        if run.stats.sent or run.stats.failed or run.stats.blocked:
            log.info("outbox drained: %s", run.stats)
        return run.stats

    async def _claim(self, run: DrainState) -> None:
        run.last_claim = utcnow()
        try:
            async with self._write() as session:
                items = await sending.claim(
                    session, self._courier.channel, run.last_claim, self._batch, self._lease
                )
            if items:
                await self._courier.prepare(items)
        finally:
            run.claiming = None
        now = time.monotonic()
        # Our own rows come back if they outlived their lease; they are queued already.
        fresh = [item for item in items if item.id not in run.held]
        for item in fresh:
            run.add(item, now)
        run.more_due = len(items) == self._batch and bool(fresh)
        self._chat_free = {chat: t for chat, t in self._chat_free.items() if t > now}
        if fresh:
            log.info("outbox: claimed %d rows, %d in hand", len(fresh), len(run.held))

    async def _dispatch(self, run: DrainState, tasks: asyncio.TaskGroup) -> None:
        entry = heapq.heappop(run.queue)
        item = entry.item
        chat = item.external_id
        if item.identity_id in run.blocked:
            run.held.discard(item.id)  # mark_blocked has moved its rows to 'blocked' already
            run.drop_chat(chat)
            return
        now = time.monotonic()
        chat_due = self._chat_free.get(chat, 0.0)
        if chat_due == math.inf:  # a request to this chat is in flight: its answer sets this
            chat_due = now + self._chat_interval
        due = max(chat_due, self._paused_until)
        if due > now:
            if chat_due > entry.claimed_at + self._ahead or due > entry.claimed_at + self._max_hold:
                run.start(tasks, self._put_back(run, item, due - now))
                run.next_in_chat(chat, due)
            else:
                heapq.heappush(run.queue, replace(entry, due=due))
            return
        while (slot := self._pacer.ready_at(now)) > now:
            await asyncio.sleep(slot - now)
            now = time.monotonic()
        await self._slots.acquire()
        # A 429 or a 403 may have come back while we waited.
        if self._paused_until > time.monotonic() or item.identity_id in run.blocked:
            self._slots.release()
            heapq.heappush(run.queue, entry)
            return
        self._pacer.departed(slot)
        self._chat_free[chat] = math.inf
        run.start(tasks, self._send(run, item))
        run.next_in_chat(chat, time.monotonic() + self._chat_interval)

    async def _post(self, item: OutboxItem) -> str | None:
        try:
            return await self._courier.post(item)
        finally:
            # Telegram counted the request, if at all, before this answer: limits start here.
            answered = time.monotonic()
            self._pacer.answered(answered)
            self._chat_free[item.external_id] = answered + self._chat_interval

    async def _send(self, run: DrainState, item: OutboxItem) -> None:
        try:
            provider_sid = await self._post(item)
        except RetryAfter as error:
            self._pause(error.seconds)
            await self._put_back(run, item, error.seconds)
            run.stats.retried_after_429 += 1
        except RecipientBlocked as error:
            run.blocked.add(item.identity_id)
            async with self._write() as session:
                await sending.blocked(session, item, str(error))
            run.stats.blocked += 1
        except TemporaryFailure as error:
            await self._fail(run, item, error, retryable=True)
        except (PermanentFailure, ValueError) as error:
            await self._fail(run, item, error, retryable=False)
        else:
            await self._mark_sent(item.id, provider_sid)
            run.stats.sent += 1
        finally:
            run.held.discard(item.id)
            self._slots.release()

    async def _mark_sent(self, message_id: int, provider_sid: str | None) -> None:
        """Group commit: a group takes the sends that finish within GROUP_WINDOW of its first
        (or until half the slots wait in it), and while the commit before it runs."""
        group = self._sent
        group.ids.append(message_id)
        if provider_sid is not None:
            group.provider_sids[message_id] = provider_sid
        if len(group.ids) >= self._group_size:
            self._close(group)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GROUP_WINDOW):
                await group.full.wait()
        self._close(group)
        async with self._writing:
            if group.committed:
                return
            async with self._sessions() as session:
                await sending.sent(session, group.ids, group.provider_sids)
            group.committed = True

    def _close(self, group: _Group) -> None:
        """Sends finishing from now on join the next group."""
        if self._sent is group:
            self._sent = _Group()
        group.full.set()

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        async with self._writing, self._sessions() as session:
            yield session

    def _pause(self, seconds: float) -> None:
        log.warning("outbox: %s asked for a pause of %s s", self._courier.channel, seconds)
        until = time.monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        self._pacer.hold_until(until)

    async def _fail(
        self, run: DrainState, item: OutboxItem, error: Exception, *, retryable: bool
    ) -> None:
        async with self._write() as session:
            status = await sending.failed(
                session,
                item,
                _reason(error),
                max_attempts=self._max_attempts,
                retryable=retryable,
            )
        if status == OutboxStatus.PENDING:
            # Taken after record_failure stamped the row, so never earlier than its not_before.
            run.later[item.id] = utcnow() + retry_delay(item.attempts + 1)
            run.stats.retried_errors += 1
        else:
            log.warning("outbox row %s failed: %s", item.id, _reason(error))
            run.stats.failed += 1

    async def _put_back(self, run: DrainState, item: OutboxItem, seconds: float) -> None:
        not_before = utcnow() + timedelta(seconds=max(seconds, 0.0))
        async with self._write() as session:
            await sending.put_back(session, [item.id], not_before)
        run.held.discard(item.id)
        run.later[item.id] = not_before

    async def _put_back_queued(self, run: DrainState) -> None:
        """On stop, queued rows go back now rather than wait out their lease."""
        queued = [entry.item.id for entry in run.queued()]
        if queued:
            async with self._write() as session:
                await sending.put_back(session, queued, utcnow())
        run.queue.clear()
        run.behind.clear()

    async def _wait_for_later(self, run: DrainState) -> bool:
        """Sleep until the next row this drain put back is due; False when there is none."""
        waiting = [t for t in run.later.values() if t > run.last_claim]
        if not waiting:
            return False
        await _nap(run.stop, (min(waiting) - utcnow()).total_seconds())
        run.more_due = True
        return True


def _reason(error: Exception) -> str:
    """A courier's error already says what happened; anything else is named by its type."""
    return str(error) if isinstance(error, PermanentFailure | TemporaryFailure) else describe(error)


async def _nap(stop: asyncio.Event, seconds: float) -> None:
    if seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
