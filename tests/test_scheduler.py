"""The tick derives reminders from what fell due; double ticks, restarts and downtime are safe."""

from __future__ import annotations

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
