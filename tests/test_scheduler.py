"""The tick derives reminders from what fell due; double ticks, restarts and downtime are safe."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import scheduler
from bot.app import App
from bot.assembly import Assembly, assemble
from bot.scheduler import dispose_job_engines, tick
from handlers.features import Feature, discover
from services.hooks import Due, Hooks
from services.roles import Role
from services.scheduling import tick_window
from storage.models.messaging import OutboxMessage
from storage.models.people import ChannelIdentity
from storage.models.system import SchedulerMark
from tests.builders import registered
from tests.conftest import Db, MakeUser

T0 = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
KIND = "test_lesson"
Lessons = list[tuple[int, str, datetime]]


@pytest.fixture
async def lessons(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Lessons]:
    """A feature's due-query and renderer, plugged into the real tick as a feature declares
    them: (identity id, locale, start) rows."""
    planned: Lessons = []

    async def lessons_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
        return [
            Due(identity, locale, KIND, f"{KIND}:{identity}:{at.isoformat()}", {"at": at})
            for identity, locale, at in planned
            if start < at <= end
        ]

    def render(due: Due) -> dict[str, Any]:
        return {"text": _("Hello! Send /start to begin.")}

    feature = Feature("lessons", hooks=Hooks(due=[lessons_due]), renderers={KIND: render})

    def with_lessons(days: int) -> Assembly:
        return assemble(timedelta(days=days), (*discover(), feature))

    monkeypatch.setattr(scheduler, "features", with_lessons)
    yield planned
    await dispose_job_engines()


async def identity_of(app: App, make_user: MakeUser, locale: str) -> int:
    person_id = await registered(app, make_user(), Role.PARENT, locale=locale)
    async with app.session_factory() as session:
        identity = await session.scalar(
            select(ChannelIdentity.id).where(ChannelIdentity.person_id == person_id)
        )
    assert identity is not None
    return identity


async def test_double_tick_and_restart_enqueue_once(
    app: App, make_user: MakeUser, db: Db, lessons: Lessons
) -> None:
    url = app.settings.database_url
    ru = await identity_of(app, make_user, "ru")
    lessons.append((ru, "ru", T0 + timedelta(minutes=1)))
    await tick(url, 180, now=T0)
    assert await db.count(OutboxMessage) == 0  # not due yet
    await tick(url, 180, now=T0 + timedelta(minutes=1))
    await tick(url, 180, now=T0 + timedelta(minutes=1))  # the same tick twice (two processes)
    await tick(url, 180, now=T0 + timedelta(minutes=2))
    rows = await db.all(select(OutboxMessage))
    assert len(rows) == 1 and rows[0].identity_id == ru
    assert rows[0].payload["text"] == "Здравствуйте! Чтобы начать, отправьте /start."
    mark = await db.scalar(select(SchedulerMark))
    assert mark.reached_at == T0 + timedelta(minutes=2)


async def test_reminder_due_during_downtime_is_sent_within_grace(
    app: App, make_user: MakeUser, db: Db, lessons: Lessons
) -> None:
    url = app.settings.database_url
    en = await identity_of(app, make_user, "en")
    await tick(url, 60, now=T0)
    lessons.append((en, "en", T0 + timedelta(minutes=20)))  # the bot was down at that time
    lessons.append((en, "en", T0 - timedelta(hours=5)))  # long before the grace period
    await tick(url, 60, now=T0 + timedelta(minutes=45))  # back up 45 minutes later
    rows = await db.all(select(OutboxMessage))
    assert [r.dedup_key for r in rows] == [
        f"{KIND}:{en}:{(T0 + timedelta(minutes=20)).isoformat()}"
    ]
    assert rows[0].payload == {"locale": "en", "text": "Hello! Send /start to begin."}


def test_tick_window_is_bounded_by_grace() -> None:
    grace = timedelta(hours=1)
    assert tick_window(None, T0, grace) == (T0 - grace, T0)
    assert tick_window(T0 - timedelta(minutes=1), T0, grace) == (T0 - timedelta(minutes=1), T0)
    assert tick_window(T0 - timedelta(days=3), T0, grace) == (T0 - grace, T0)
    assert tick_window(T0 + timedelta(minutes=5), T0, grace) == (T0, T0)  # clock went back


async def test_a_long_tick_is_not_overlapped_and_ends_before_shutdown(
    app: App, make_user: MakeUser, db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick slower than the interval: the next one is skipped, not run alongside; at
    shutdown the runner waits for it (bot/runner.py), so it ends rather than being cancelled."""
    en = await identity_of(app, make_user, "en")
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
        entered.set()
        await release.wait()
        return [Due(en, "en", KIND, f"{KIND}:slow", {})]

    feature = Feature(
        "slow", hooks=Hooks(due=[slow_due]), renderers={KIND: lambda due: {"text": "hi"}}
    )
    monkeypatch.setattr(
        scheduler, "features", lambda days: assemble(timedelta(days=days), (*discover(), feature))
    )
    url = app.settings.database_url
    try:
        first = asyncio.create_task(tick(url, 180, now=T0))
        await entered.wait()
        async with asyncio.timeout(5):  # a tick run alongside would wait on the first, not fail
            assert await tick(url, 180, now=T0 + timedelta(minutes=1)) == 0  # skipped
        stopping = asyncio.create_task(scheduler.finish_jobs(10))
        await asyncio.sleep(0.05)
        assert not stopping.done()  # waits for the tick under way
        release.set()
        await stopping
        assert first.done() and first.result() == 1
        assert await db.count(OutboxMessage) == 1
    finally:
        await dispose_job_engines()
