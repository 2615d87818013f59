"""APScheduler with module-level jobs only; each opens its own session and calls the services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.assembly import Assembly, assemble
from bot.config import Settings
from bot.i18n import make_i18n
from services.hooks import Due, Renderer
from services.maintenance import purge
from services.scheduling import enqueue_due
from storage.base import utcnow
from storage.engine import create_engine, create_session_factory

log = logging.getLogger(__name__)
REMINDERS_MARK = "reminders"


_engines: dict[str, AsyncEngine] = {}
_shared: set[str] = set()  # engines the bot lent its jobs: the bot disposes of them
# Databases with a tick under way in this process. APScheduler runs one at a time already
# (max_instances=1, coalesce); this also covers a tick started outside it.
_ticking: set[str] = set()


def sessions_for(database_url: str) -> async_sessionmaker[AsyncSession]:
    """Jobs get a URL, never a session or an engine, so they stay importable and restartable."""
    if database_url not in _engines:
        _engines[database_url] = create_engine(database_url)
    return create_session_factory(_engines[database_url])


def share_engine(database_url: str, engine: AsyncEngine) -> None:
    """The bot's own engine for its jobs: on SQLite one connection for everything, so the
    jobs' writers queue in asyncio with the updates' instead of in SQLite's busy handler."""
    _engines[database_url] = engine
    _shared.add(database_url)


async def dispose_job_engines() -> None:
    while _engines:
        url, engine = _engines.popitem()
        if url not in _shared:
            await engine.dispose()
    _shared.clear()


@cache
def shared_i18n() -> I18n:
    return make_i18n()


@cache
def features(update_retention_days: int) -> Assembly:
    return assemble(timedelta(days=update_retention_days))


def localized(renderers: dict[str, Renderer]) -> Callable[[Due], dict[str, Any]]:
    i18n = shared_i18n()

    def render(due: Due) -> dict[str, Any]:
        with i18n.context(), i18n.use_locale(due.locale):
            # The locale picks the WhatsApp template when the message must go as one.
            return {"locale": due.locale, **renderers[due.kind](due)}

    return render


async def tick(
    database_url: str,
    grace_minutes: int,
    now: datetime | None = None,
    update_retention_days: int = 2,
) -> int:
    """Enqueue every reminder due since the last tick; dedup keys make a repeated tick harmless.

    A tick longer than the interval is not overlapped by the next: that one is skipped, and
    the one after it starts where the long one moved the mark.
    """
    if database_url in _ticking:
        log.warning("the previous tick is still running: skipped")
        return 0
    assembly = features(update_retention_days)
    _ticking.add(database_url)
    try:
        async with _running_job(), sessions_for(database_url)() as session:
            queued = await tick_with(
                session, assembly, now or utcnow(), timedelta(minutes=grace_minutes)
            )
    finally:
        _ticking.discard(database_url)
    if queued:
        log.info("tick queued %d reminders", queued)
    return queued


async def tick_with(
    session: AsyncSession, assembly: Assembly, now: datetime, grace: timedelta
) -> int:
    """One tick of these features' reminders as of `now` (the job, and the console's :tick)."""
    return await enqueue_due(
        session,
        REMINDERS_MARK,
        now,
        grace,
        assembly.due_queries,
        localized(assembly.renderers),
    )


async def purge_job(database_url: str, update_retention_days: int) -> dict[str, int]:
    assembly = features(update_retention_days)
    async with _running_job(), sessions_for(database_url)() as session:
        counts = await purge(session, utcnow(), assembly.hooks)
    log.info("purged %s", counts)
    return counts


_jobs: set[asyncio.Future[Any]] = set()  # jobs under way in this process


@contextlib.asynccontextmanager
async def _running_job() -> AsyncIterator[None]:
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    _jobs.add(done)
    try:
        yield
    finally:
        _jobs.discard(done)
        done.set_result(None)


async def finish_jobs(within_seconds: float) -> None:
    """At shutdown: let a tick or purge under way end (each commits in chunks) rather than be
    cancelled by the loop's end; what is left after `within_seconds` is cancelled, and the next run
    starts again from the mark."""
    if _jobs:
        await asyncio.wait(set(_jobs), timeout=within_seconds)


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        seconds=settings.scheduler_tick_seconds,
        kwargs={
            "database_url": settings.database_url,
            "grace_minutes": settings.scheduler_grace_minutes,
            "update_retention_days": settings.processed_update_retention_days,
        },
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        purge_job,
        "interval",
        hours=1,
        kwargs={
            "database_url": settings.database_url,
            "update_retention_days": settings.processed_update_retention_days,
        },
        id="purge",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler
