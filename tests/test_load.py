"""Many people at once against a slow Bot API: no update waits on another's network call.

The rule: no database transaction is open while the bot awaits the network. On SQLite an open
transaction holds the write lock (we BEGIN IMMEDIATE), so one update's slow Bot API call makes
every other update, and any other process writing the same file, wait or fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Bot
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App
from bot.state.database_states import WRITER_TASK
from bot.whatsapp.transport import WhatsAppTransport
from services.roles import Role
from storage.models.invites import Invite
from storage.models.people import ChannelIdentity, Person
from tests.builders import registered
from tests.conftest import ChatUser, Db, MakeUser
from tests.driver import TelegramUser
from tests.standins.telegram_api import RecordedRequest, TelegramStandIn
from tests.test_whatsapp_process import REPO_ROOT

NEWCOMERS = 24
LATENCY = 0.3  # seconds the Bot API takes to answer each call
LOCKED = "database is locked"


class Failures(logging.Handler):
    """Every record logged at ERROR or above while installed (an update that failed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> list[str]:
        out = []
        for record in self.records:
            error = record.exc_info[1] if record.exc_info else None
            out.append(f"{record.getMessage()}: {error!r}" if error else record.getMessage())
        return out

    @contextlib.contextmanager
    def installed(self) -> Iterator[Failures]:
        root = logging.getLogger()
        root.addHandler(self)
        try:
            yield self
        finally:
            root.removeHandler(self)


def count_locked(texts: list[str]) -> int:
    return sum(LOCKED in text for text in texts)


async def sign_up(user: TelegramUser) -> None:
    """The newcomer's whole registration, then a look at what they can do and what is stored."""
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    await user.press("Volunteer")
    await user.send("/help")
    await user.send("/mydata")


async def run_admin_invite(database_url: str) -> tuple[int, str]:
    """`python -m bot admin-invite` on the same database, as an operator would run it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "TWILIO_", "WEBHOOK_", "REDIS_", "DATABASE_"))
    } | {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "admin-invite",
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


async def guarded(step: Awaitable[None], errors: list[str]) -> None:
    """Runs one person's steps; an exception (out of the Dispatcher, or a reply that never came
    so the next button is missing) ends that person's journey and is kept, not raised."""
    try:
        await step
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")


async def test_newcomers_sign_up_at_once_while_an_operator_makes_an_invite(
    app: App, bot: Bot, standin: TelegramStandIn, database_url: str, db: Db
) -> None:
    """24 people register at the same moment through the real Dispatcher, the Bot API answering
    each call in 0.3 s, while `python -m bot admin-invite` runs twice on the same database.

    Every update must succeed (none fails on the database, nothing escapes the Dispatcher),
    everyone is registered and gets their data, and both operator commands succeed.
    """
    standin.latency = LATENCY
    users = [
        TelegramUser(app.dispatcher, bot, standin, 5000 + n, f"Person {n}", "en")
        for n in range(NEWCOMERS)
    ]
    escaped: list[str] = []
    with Failures().installed() as failures:
        signups = asyncio.gather(*(guarded(sign_up(user), escaped) for user in users))
        first_cli = asyncio.create_task(run_admin_invite(database_url))
        await asyncio.sleep(2 * LATENCY)
        second_cli = asyncio.create_task(run_admin_invite(database_url))
        await signups
        cli_runs = [await first_cli, await second_cli]
    logged = failures.texts()
    registered_ids = set(await db.all(select(ChannelIdentity.external_id)))
    outcome = {
        LOCKED: count_locked(logged) + count_locked(escaped),
        "updates failed": len(logged),
        "journeys broken off": len(escaped),
        "registrations lost": sum(u.external_id not in registered_ids for u in users),
        "people without their /mydata file": sum(not u.requests("sendDocument") for u in users),
        "admin-invite exit codes": [code for code, _ in cli_runs],
    }
    assert outcome == {
        LOCKED: 0,
        "updates failed": 0,
        "journeys broken off": 0,
        "registrations lost": 0,
        "people without their /mydata file": 0,
        "admin-invite exit codes": [0, 0],
    }, "\n".join(
        [str(outcome), *logged[:3], *escaped[:3], *(out[-600:] for code, out in cli_runs if code)]
    )
    assert await db.count(Person) == NEWCOMERS
    assert all("Admin invite code:" in output for _, output in cli_runs)
    assert await db.count(Invite) == 2


class OpenTransactions:
    """Transactions open on the engine right now, from its begin/commit/rollback events; not
    the state writer's, a background task that runs beside the update and calls no network."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.open: set[int] = set()

    def _begin(self, connection: Any) -> None:
        task = asyncio.current_task()
        if task is None or task.get_name() != WRITER_TASK:
            self.open.add(id(connection))

    def _end(self, connection: Any) -> None:
        self.open.discard(id(connection))

    @property
    def count(self) -> int:
        return len(self.open)

    @contextlib.contextmanager
    def watching(self) -> Iterator[OpenTransactions]:
        listeners: list[tuple[str, Callable[[Any], None]]] = [
            ("begin", self._begin),
            ("commit", self._end),
            ("rollback", self._end),
        ]
        for name, listener in listeners:
            event.listen(self.engine, name, listener)
        try:
            yield self
        finally:
            for name, listener in listeners:
                event.remove(self.engine, name, listener)


async def test_no_transaction_is_open_while_the_bot_awaits_the_network(
    app: App,
    make_user: MakeUser,
    standin: TelegramStandIn,
    whatsapp: tuple[WhatsAppTransport, str],
    monkeypatch: Any,
) -> None:
    """At every Bot API request (Telegram) and every message posted to Twilio (WhatsApp), the
    engine has no open transaction: registration, /help, /mydata, /link, and an admin's /invite.
    """
    transactions = OpenTransactions(app.engine)
    step = "set-up"
    seen: list[tuple[str, str, int]] = []  # (step, call, transactions open)

    async def at_telegram(request: RecordedRequest) -> None:
        seen.append((step, request.method, transactions.count))

    standin.on_request = at_telegram
    gateway = whatsapp[0].channel.gateway
    send = gateway.send

    async def at_twilio(to: str, **fields: Any) -> str:
        seen.append((step, "twilio messages.create", transactions.count))
        return await send(to, **fields)

    monkeypatch.setattr(gateway, "send", at_twilio)
    newcomer, admin = make_user("Айгерім", "en"), make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN)
    journey: list[tuple[ChatUser, str, str]] = [
        (newcomer, "send", "/start"),
        (newcomer, "press", "English"),
        (newcomer, "press", "I agree"),
        (newcomer, "press", "Volunteer"),
        (newcomer, "send", "/help"),
        (newcomer, "send", "/mydata"),
        (newcomer, "send", "/link"),
        (admin, "send", "/invite"),
        (admin, "press", "Regional coordinator"),
        (admin, "press", "Akmola"),
    ]
    with transactions.watching():
        for user, action, what in journey:
            step = f"{action} {what}"
            await (user.send(what) if action == "send" else user.press(what))
    assert "start=" in admin.last_text  # the whole journey ran
    assert seen, "no network call was observed"
    while_open = [f"{at}: {call}" for at, call, n in seen if n]
    assert while_open == [], (
        f"{len(while_open)} of {len(seen)} network calls made inside a transaction: {while_open}"
    )
