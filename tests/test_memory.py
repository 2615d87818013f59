"""What the bot keeps in memory instead of asking the database on every update: who is writing
(services/known_people.py), conversation states (bot/state/database_states.py), the updates
it finished (bot/state/ledger.py). Each must follow every committed change, wherever it was
made, and a restart must not apply an update's work twice."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, insert, select, text

from bot.app import App, build_app
from bot.config import Settings
from bot.state.database_states import DatabaseStates
from bot.state.journal import UpdateJournal
from bot.state.snapshot import Snapshot
from services import known_people
from services.invites.invites import create_invite, redeem_as_member
from services.people import set_locale
from services.personal_data import forget_person
from services.roles import Role, Scope
from storage.changes import people_changed
from storage.models.people import RoleGrant
from tests.builders import registered
from tests.conftest import Db
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn
from tests.test_whatsapp_process import REPO_ROOT


def statements(app: App) -> list[str]:
    seen: list[str] = []
    event.listen(app.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


async def test_an_ordinary_update_runs_no_statement(
    app: App, bot: Bot, standin: TelegramStandIn
) -> None:
    member = TelegramUser(app.dispatcher, bot, standin, 31, "Асель", "en")
    newcomer = TelegramUser(app.dispatcher, bot, standin, 32, "Бек", "en")
    await registered(app, member, Role.PARENT)
    await member.send("/help")  # the first update of a person in this process reads them once
    seen = statements(app)
    await member.send("/help")
    await newcomer.send("/help")
    assert seen == []
    assert "/mydata" in member.last_text
    assert newcomer.last_text == "Send /start to register: it takes a minute."


async def test_a_change_committed_anywhere_reaches_the_next_update(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    """Roles, language and the person themself, changed through another engine's session
    (another part of the process: the scheduler, a service of another feature)."""
    member = TelegramUser(app.dispatcher, bot, standin, 41, "Асель", "en")
    person_id = await registered(app, member, Role.VOLUNTEER)
    await member.send("/help")
    assert "/invite" not in member.last_text

    async with db.sessions() as session:
        view = await create_invite(
            session, None, frozenset(), Role.ADMIN, Scope(), ttl=timedelta(days=1), bootstrap=True
        )
    async with db.sessions() as session:
        await redeem_as_member(session, person_id, view.code, "en")
    await member.send("/help")
    assert "/invite" in member.last_text

    async with db.sessions() as session:
        await set_locale(session, person_id, "ru")
    await member.send("/help")
    assert "/invite" in member.last_text and "Администратор" in member.last_text

    other = TelegramUser(app.dispatcher, bot, standin, 42, "Гүлнар", "en")
    await registered(app, other, Role.ADMIN)  # the only administrator cannot be forgotten
    async with db.sessions() as session:
        await forget_person(session, person_id, app.assembly.hooks)
    await member.send("/help")
    assert member.last_text == "Send /start to register: it takes a minute."


async def test_a_change_that_names_nobody_still_empties_the_cache(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    """A write to people's tables that forgets to say whom it changed costs speed, not truth."""
    member = TelegramUser(app.dispatcher, bot, standin, 51, "Асель", "en")
    person_id = await registered(app, member, Role.VOLUNTEER)
    await member.send("/help")
    async with db.sessions() as session:
        await session.execute(
            insert(RoleGrant).values(person_id=person_id, role="admin", scope_key="")
        )
        await session.commit()
    await member.send("/help")
    assert "/invite" in member.last_text


async def test_a_write_redelivered_after_a_restart_is_not_applied_twice(
    app: App, settings: Settings, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    """An invite redeemed by /start <code>; the process restarts before Telegram hears the
    answer and redelivers the same update. Its finished mark committed with the redemption, so
    the copy changes nothing and says nothing."""
    member = TelegramUser(app.dispatcher, bot, standin, 61, "Асель", "en")
    await registered(app, member, Role.VOLUNTEER)
    async with db.sessions() as session:
        view = await create_invite(
            session, None, frozenset(), Role.ADMIN, Scope(), ttl=timedelta(days=1), bootstrap=True
        )
    update = member.message_update(f"/start {view.code}")
    await member.feed(update)
    answered = len(member.texts())
    await app.close()

    restarted = await build_app(settings)
    try:
        again = TelegramUser(restarted.dispatcher, bot, standin, 61, "Асель", "en")
        await again.feed(update)
    finally:
        await restarted.close()
    assert len(member.texts()) == answered
    assert sorted(await db.all(select(RoleGrant.role))) == ["admin", "volunteer"]


async def test_another_process_changing_a_person_reaches_this_one_through_redis(
    app: App, settings: Settings, bot: Bot, standin: TelegramStandIn, redis_url: str | None
) -> None:
    if redis_url is None:
        pytest.skip("needs Redis: QAMQOR_TEST_REDIS_URL")
    member = TelegramUser(app.dispatcher, bot, standin, 71, "Асель", "en")
    person_id = await registered(app, member, Role.VOLUNTEER)
    await member.send("/help")
    assert "Волонтёр" not in member.last_text
    configured = {
        "database_url": settings.database_url,
        "redis_url": redis_url,
        "update_journal": settings.update_journal + ".other",
    }
    script = (
        "import asyncio\n"
        "from bot.app import build_app\n"
        "from bot.config import Settings\n"
        "from services.people import set_locale\n"
        "async def main():\n"
        f"    app = await build_app(Settings(_env_file=None, **{configured!r}))\n"
        "    async with app.session_factory() as session:\n"
        f"        await set_locale(session, {person_id}, 'ru')\n"
        "    await app.close()\n"
        "asyncio.run(main())\n"
    )
    other = await asyncio.create_subprocess_exec(sys.executable, "-c", script, cwd=REPO_ROOT)
    assert await other.wait() == 0
    async with asyncio.timeout(10):
        while True:
            await member.send("/help")
            if "Волонтёр" in member.last_text:
                break
            await asyncio.sleep(0.05)


async def test_an_unnamed_write_after_a_named_one_still_empties_the_cache(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    """Naming one person does not cover a later write about another."""
    first = TelegramUser(app.dispatcher, bot, standin, 81, "Асель", "en")
    second = TelegramUser(app.dispatcher, bot, standin, 82, "Бек", "en")
    first_id = await registered(app, first, Role.VOLUNTEER)
    second_id = await registered(app, second, Role.VOLUNTEER)
    await second.send("/help")
    async with db.sessions() as session:
        await set_locale(session, first_id, "ru")  # commits, naming the first person
    async with db.sessions() as session:
        people_changed(session, persons=[first_id])
        await session.execute(
            insert(RoleGrant).values(person_id=second_id, role="admin", scope_key="")
        )
        await session.commit()
    await second.send("/help")
    assert "/invite" in second.last_text


async def test_a_change_no_listener_heard_is_seen_within_the_time_limit(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw SQL (or another process without Redis) tells nobody: the kept Actor is read again
    once older than FRESH_FOR."""
    member = TelegramUser(app.dispatcher, bot, standin, 91, "Асель", "en")
    person_id = await registered(app, member, Role.VOLUNTEER)
    await member.send("/help")
    async with db.sessions() as session:
        await session.execute(
            text("UPDATE person SET locale = 'ru' WHERE id = :id"), {"id": person_id}
        )
        await session.commit()
    await member.send("/help")
    assert "Волонтёр" not in member.last_text  # kept, and fresh enough
    monkeypatch.setattr(known_people, "FRESH_FOR", 0.0)
    await member.send("/help")
    assert "Волонтёр" in member.last_text


def test_memory_keeps_the_newer_state_whatever_order_commits_arrive_in() -> None:
    """On PostgreSQL a commit that changed a state first may finish last: memory, like the
    database's guarded upsert, keeps the newer change."""
    states = DatabaseStates()
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    earlier, later = (
        datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 12, 1, tzinfo=UTC),
    )
    states.remember(key, Snapshot("Flow:b"), later)
    states.remember(key, Snapshot("Flow:a"), earlier)
    states.remember(key, Snapshot(), earlier)
    cached = states.cached(key)
    assert cached is not None and cached.state == "Flow:b"
    states.remember(key, Snapshot(), later + timedelta(seconds=1))
    assert states.cached(key) is None  # not preloaded: unknown, read from the database


def test_a_second_process_on_one_journal_keeps_none(tmp_path: Path) -> None:
    """Two processes appending to one journal would read each other's updates as crashed."""
    path = tmp_path / "updates.journal"
    first, second = UpdateJournal(path), UpdateJournal(path)
    first.open()
    first.started(("telegram", "1"))
    assert second.open() == Counter()
    second.started(("telegram", "2"))  # written nowhere
    first.close()
    second.close()
    assert UpdateJournal(path).open() == Counter({("telegram", "1"): 1})
