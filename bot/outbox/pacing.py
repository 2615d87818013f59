"""When the next request may leave, under a rate limit counted the way Telegram counts it."""

from __future__ import annotations

from collections import deque

# Limits are counted over windows 1 % longer than Telegram's second: a margin for clocks and timers.
WINDOW = 1.01
# How far a stall may leave the pacing grid behind and still be caught up.
CATCH_UP = 0.25
# How often the drain looks again while nothing may go but a claim or a send is under way.
TICK = 0.005


class Pacer:
    """When the next request may leave, for a limit of `rate` requests per second.

    Times sit on a grid `WINDOW / rate` apart, which a stall (a garbage collection, a slow
    commit) may leave behind by up to CATCH_UP and then catch up, but never past the limit.
    """

    def __init__(self, rate: float) -> None:
        self.interval = WINDOW / rate
        self.capacity = max(1, int(rate))
        self._next = 0.0
        self._in_flight = 0
        self._answered: deque[float] = deque()  # answer times within the last WINDOW

    def ready_at(self, now: float) -> float:
        while self._answered and self._answered[0] <= now - WINDOW:
            self._answered.popleft()
        # A grid left further behind than CATCH_UP was idle rather than stalled: no burst.
        ready = self._next if self._next >= now - CATCH_UP else now
        excess = len(self._answered) + self._in_flight + 1 - self.capacity
        if excess > len(self._answered):
            return max(ready, now + TICK)  # only answers can make room
        if excess > 0:
            return max(ready, self._answered[excess - 1] + WINDOW)
        return ready

    def departed(self, slot: float) -> None:
        self._next = slot + self.interval
        self._in_flight += 1

    def answered(self, moment: float) -> None:
        self._in_flight -= 1
        self._answered.append(moment)

    def hold_until(self, moment: float) -> None:
        self._next = max(self._next, moment)
