"""When an update fails on the database, the failure is handled: told to the person in their
language, logged once, and Telegram's webhook call answered 200 (not retried as a 500)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy.engine import make_url

import storage.engine
from bot.app import App
from tests.conftest import PG_URL
from tests.driver import TelegramUser
from tests.standins.telegram_api import RecordedRequest, TelegramStandIn
from tests.test_webhook import post

pytestmark = pytest.mark.skipif(PG_URL is not None, reason="SQLite's database-wide write lock")

BUSY_TIMEOUT_MS = 300  # how long the bot waits for the lock before "database is locked"
SOMETHING_WENT_WRONG = "Something went wrong on our side. Please try again."


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the webhook's App opens any connection."""
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)


class WebhookUser(TelegramUser):
    """Updates go through the bot's own webhook server; the status of each answer is kept."""

    def __init__(self, base_url: str, *args: Any) -> None:
        super().__init__(*args)
        self.base_url = base_url
        self.statuses: list[int] = []

    async def feed(self, raw: dict[str, Any]) -> None:
        self.statuses.append(await post(self.base_url, raw))


class WriteLock:
    """SQLite's write lock taken by another connection (another process, say)."""

    def __init__(self, database_url: str) -> None:
        path = make_url(database_url).database
        assert path
        self.other = sqlite3.connect(
            path, isolation_level=None, timeout=10, check_same_thread=False
        )

    async def take(self) -> None:
        # In a thread: the bot may still be finishing a write, and its loop must run meanwhile.
        await asyncio.to_thread(self.other.execute, "BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.other.in_transaction:
            self.other.rollback()

    def close(self) -> None:
        self.release()
        self.other.close()


@pytest.fixture
def write_lock(database_url: str) -> Iterator[WriteLock]:
    lock = WriteLock(database_url)
    yield lock
    lock.close()


async def test_handler_failing_on_a_locked_database_is_told_and_answered_200(
    webhook_base: str,
    webhook_app: App,
    bot: Bot,
    standin: TelegramStandIn,
    write_lock: WriteLock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A newcomer who chose English (Telegram says Russian) picks their role. While the handler
    acknowledges the button, another connection takes the write lock and keeps it longer than
    the bot waits for it, so registering fails. The failure must be handled: logged once, the
    person told in English, the webhook call answered 200 (no retry into the same failure)."""
    user = WebhookUser(webhook_base, webhook_app.dispatcher, bot, standin, 557, "Асель", "ru")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    assert user.statuses == [200, 200, 200]
    assert user.last_text == "Who are you?"

    async def lock_at_acknowledgement(request: RecordedRequest) -> None:
        if request.method == "answercallbackquery":
            standin.on_request = None
            await write_lock.take()

    standin.on_request = lock_at_acknowledgement
    caplog.set_level(logging.WARNING)
    caplog.clear()
    try:
        await user.press("Volunteer")
    finally:
        write_lock.release()
    assert standin.on_request is None, "the handler never acknowledged the button"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    failures = [f"{r.name}: {r.getMessage()}: {r.exc_info and r.exc_info[1]!r}" for r in errors]
    assert user.statuses[-1] == 200, f"the webhook answered {user.statuses[-1]}; logged: {failures}"
    assert user.last_text == SOMETHING_WENT_WRONG
    assert len(errors) == 1, f"expected the one failure, logged once: {failures}"
    [failure] = errors
    assert failure.name == "handlers.fallback.errors"
    assert failure.exc_info is not None and "database is locked" in str(failure.exc_info[1])
