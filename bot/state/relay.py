"""Changes to people reach every process's cache: this one directly, the others through Redis.

Without Redis there is one process (see .env.example), so telling this one is enough. With
Redis each committed change is published; the other processes forget what it names a few
milliseconds later, the time Redis takes to relay it. Whatever Redis loses (it was away, a
publish failed) the cache's time limit catches (services/known_people.py FRESH_FOR).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from services.known_people import KnownPeople
from storage.changes import PeopleChange, listen

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)
CHANNEL = "qamqor:people-changed"
SUBSCRIBE_SECONDS = 10
RECONNECT_SECONDS = 1.0


class PeopleRelay:
    def __init__(self, people: KnownPeople, redis: Redis | None) -> None:
        self.people = people
        self.redis = redis
        self.origin = uuid.uuid4().hex
        self._stop_listening: Callable[[], None] = lambda: None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._subscriber: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, engine: AsyncEngine, people: KnownPeople, redis_url: str | None
    ) -> PeopleRelay:
        redis = None
        if redis_url:
            # Imported here: the redis client costs a fifth of a second at every start.
            from redis.asyncio import Redis

            redis = Redis.from_url(redis_url)
        relay = cls(people, redis)
        relay._stop_listening = listen(
            engine.url.render_as_string(hide_password=False), relay._committed
        )
        if redis is not None:
            subscribed = asyncio.Event()
            relay._subscriber = asyncio.create_task(relay._hear(subscribed))
            async with asyncio.timeout(SUBSCRIBE_SECONDS):
                await subscribed.wait()
        return relay

    def _committed(self, change: PeopleChange) -> None:
        self.people.forget(change)
        if self.redis is None:
            return
        message = json.dumps(
            {
                "origin": self.origin,
                "persons": sorted(change.persons),
                "accounts": sorted(change.accounts),
                "identities": sorted(change.identities),
                "everyone": change.everyone,
            }
        )
        task = asyncio.get_running_loop().create_task(self._publish(message))
        self._tasks.add(task)
        task.add_done_callback(self._published)

    async def _publish(self, message: str) -> None:
        assert self.redis is not None
        await self.redis.publish(CHANNEL, message)

    def _published(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The others will not hear it: they read everyone again within FRESH_FOR.
            log.error("could not tell other processes of a change: %s", task.exception())

    async def _hear(self, subscribed: asyncio.Event) -> None:
        """For the life of the process: after Redis was away, what it relayed meanwhile is
        lost (pub/sub keeps nothing), so the cache starts over."""
        assert self.redis is not None
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if subscribed.is_set():
                        self.people.forget(PeopleChange(everyone=True))
                    subscribed.set()
                    async for message in pubsub.listen():
                        self._heard(message)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.error("lost Redis (changes to people): %s; trying again", error)
                await asyncio.sleep(RECONNECT_SECONDS)

    def _heard(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        try:
            heard = json.loads(message["data"])
        except (ValueError, TypeError):
            return
        if heard.get("origin") == self.origin:
            return
        self.people.forget(
            PeopleChange(
                persons={int(p) for p in heard.get("persons", ())},
                accounts={(str(c), str(e)) for c, e in heard.get("accounts", ())},
                identities={int(i) for i in heard.get("identities", ())},
                everyone=bool(heard.get("everyone")),
            )
        )

    async def close(self) -> None:
        self._stop_listening()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._subscriber is not None:
            self._subscriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._subscriber
        if self.redis is not None:
            await self.redis.aclose()
