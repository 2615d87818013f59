"""What one outbox drain holds: rows in hand, per-chat order, work under way, its figures."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from services.messaging.outbox import OutboxItem
from storage.base import utcnow


@dataclass
class DrainStats:
    sent: int = 0
    retried_after_429: int = 0
    blocked: int = 0
    failed: int = 0
    retried_errors: int = 0
    elapsed_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"sent {self.sent} in {self.elapsed_seconds:.1f} s ({self.rate:.1f}/s); "
            f"429 retried {self.retried_after_429}, blocked {self.blocked}, "
            f"failed {self.failed}, errors retried {self.retried_errors}"
        )


@dataclass(order=True)
class QueueEntry:
    due: float  # monotonic time the row may go, as far as we knew when queueing it
    seq: int  # claim order, which is priority order
    claimed_at: float = field(compare=False)
    item: OutboxItem = field(compare=False)


@dataclass
class DrainState:
    """One drain's state: rows in hand, work under way, rows it put back for later.

    The heap holds each chat's first row only; the rest wait behind it in claim order, so a
    chat's rows leave in priority order whatever the timing of its answers.
    """

    stop: asyncio.Event
    stats: DrainStats = field(default_factory=DrainStats)
    queue: list[QueueEntry] = field(default_factory=list)
    behind: dict[str, deque[QueueEntry]] = field(default_factory=dict)  # chat -> its other rows
    held: set[int] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)  # identity ids
    later: dict[int, datetime] = field(default_factory=dict)  # row id -> not_before
    working: set[asyncio.Task[None]] = field(default_factory=set)  # sends and put-backs
    claiming: asyncio.Task[None] | None = None
    more_due: bool = True
    last_claim: datetime = field(default_factory=utcnow)
    seq: itertools.count[int] = field(default_factory=itertools.count)

    def add(self, item: OutboxItem, now: float) -> None:
        entry = QueueEntry(now, next(self.seq), now, item)
        waiting = self.behind.get(item.external_id)
        if waiting is None:
            self.behind[item.external_id] = deque()
            heapq.heappush(self.queue, entry)
        else:
            waiting.append(entry)
        self.held.add(item.id)
        self.later.pop(item.id, None)

    def next_in_chat(self, chat: str, due: float) -> None:
        """The chat's first row has left the heap: the next one takes its place."""
        waiting = self.behind[chat]
        if waiting:
            heapq.heappush(self.queue, replace(waiting.popleft(), due=due))
        else:
            del self.behind[chat]

    def drop_chat(self, chat: str) -> None:
        for entry in self.behind.pop(chat):
            self.held.discard(entry.item.id)

    def queued(self) -> list[QueueEntry]:
        return [*self.queue, *itertools.chain.from_iterable(self.behind.values())]

    def wants_rows(self, batch: int, now: float) -> bool:
        # Claim ahead when under a second of work is left, or when nothing queued may go yet.
        return (
            self.more_due
            and self.claiming is None
            and (len(self.held) * 2 < batch or not self.queue or self.queue[0].due > now)
        )

    def start(self, tasks: asyncio.TaskGroup, work: Coroutine[Any, Any, None]) -> None:
        task = tasks.create_task(work)
        self.working.add(task)
        task.add_done_callback(self.working.discard)
