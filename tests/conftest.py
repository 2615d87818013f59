"""Real parts: a SQLite file (or CI PostgreSQL), the Bot API stand-in over HTTP, our Dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiogram import Bot
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.bot import make_telegram_bot
from bot.web import app_runner, build_web_app
from bot.whatsapp.setup import whatsapp_transport
from bot.whatsapp.transport import WhatsAppTransport
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from tests.driver import TelegramUser
from tests.guards import CallGuard
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.twilio_api import SANDBOX_NUMBER, TwilioStandIn
from tests.whatsapp_driver import WhatsAppUser

PG_URL = os.environ.get("QAMQOR_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("QAMQOR_TEST_REDIS_URL")
PUBLIC_URL = "https://qamqor.example"
WEBHOOK_SECRET = "s3cret-token_for-tests"
QUICK_REPLY_TEMPLATES = {str(n): f"HXquick{n}" for n in (1, 2, 3)}


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database at the newest migration, made once: each test starts from a copy of it, not
    from running every migration again (a third of a second a test on SQLite, more on
    PostgreSQL). test_migrations.py still runs them all, down and up."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("migrated") / "qamqor.sqlite3"
        asyncio.run(migrate(f"sqlite+aiosqlite:///{path}"))
        return str(path)
    asyncio.run(recreate(TEMPLATE_DB, template=None))
    asyncio.run(migrate(with_database(TEMPLATE_DB)))
    return TEMPLATE_DB


TEMPLATE_DB = "qamqor_template"


def with_database(database: str) -> str:
    assert PG_URL is not None
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def recreate(database: str, template: str | None) -> None:
    """Drops and creates a PostgreSQL database, from `template` when one is named; connected
    to the server's maintenance database, since one cannot drop the database one is in."""
    assert PG_URL is not None
    engine = create_engine(with_database("postgres"), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        async with engine.connect() as connection:
            for attempt in range(50):
                try:
                    # Plain DROP first: the server itself stops an autovacuum worker in the
                    # way, which FORCE would need a superuser's rights to do. FORCE then ends
                    # what a test left connected (our own role's sessions).
                    await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
                except DBAPIError:
                    await connection.execute(
                        text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                    )
                try:
                    await connection.execute(text(f'CREATE DATABASE "{database}"{copy}'))
                    return
                except DBAPIError:  # the template busy a moment (autovacuum): again
                    if attempt == 49:
                        raise
                    await asyncio.sleep(0.1)
    finally:
        await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path, migrated: str) -> str:
    if not PG_URL:
        path = tmp_path / "qamqor.sqlite3"
        shutil.copyfile(migrated, path)
        return f"sqlite+aiosqlite:///{path}"
    database = make_url(PG_URL).database
    assert database is not None and database != migrated
    await recreate(database, template=migrated)
    return PG_URL


@pytest.fixture
async def redis_url() -> AsyncIterator[str | None]:
    if REDIS_URL:
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        await client.flushdb()
        await client.aclose()
    yield REDIS_URL


@pytest.fixture
async def standin() -> AsyncIterator[TelegramStandIn]:
    async with TelegramStandIn() as server:
        yield server


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioStandIn]:
    async with TwilioStandIn() as server:
        yield server


@pytest.fixture
def settings(
    database_url: str,
    redis_url: str | None,
    standin: TelegramStandIn,
    twilio: TwilioStandIn,
    tmp_path: Path,
) -> Settings:
    """Both channels on, as in production: each pointed at its local stand-in."""
    return Settings(
        _env_file=None,
        telegram_bot_token="42:TEST-TOKEN",
        telegram_api_url=standin.base_url,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_whatsapp_from=SANDBOX_NUMBER,
        twilio_api_url=twilio.base_url,
        # As behind a proxy: Twilio signs this URL, the requests reach 127.0.0.1.
        public_base_url=PUBLIC_URL,
        database_url=database_url,
        redis_url=redis_url,
        update_journal=str(tmp_path / "updates.journal"),
    )


@pytest.fixture
async def app(settings: Settings, standin: TelegramStandIn) -> AsyncIterator[App]:
    application = await build_app(settings)
    application.links.telegram_username = standin.bot_username  # as the runner does at start
    yield application
    await application.close()


@contextlib.asynccontextmanager
async def served(web_app: web.Application) -> AsyncIterator[str]:
    """The bot's own web server on a free port of 127.0.0.1, as production runs it; its URL."""
    runner = app_runner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def whatsapp(app: App) -> AsyncIterator[tuple[WhatsAppTransport, str]]:
    """The WhatsApp transport behind the bot's own web server on 127.0.0.1: (transport, URL)."""
    async with (
        whatsapp_transport(app) as transport,
        served(build_web_app(app, None, transport)) as url,
    ):
        yield transport, url


@pytest.fixture
async def webhook_app(settings: Settings) -> AsyncIterator[App]:
    """The App with Telegram's webhook on, as in production."""
    configured = settings.model_copy(
        update={
            "webhook_url": "https://qamqor.example/telegram/webhook",
            "webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )
    application = await build_app(configured)
    yield application
    await application.close()


@pytest.fixture
async def webhook_base(webhook_app: App, bot: Bot) -> AsyncIterator[str]:
    """The URL of the web server that serves Telegram's webhook (path: TELEGRAM_PATH)."""
    async with served(build_web_app(webhook_app, bot)) as url:
        yield url


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Bot]:
    telegram = make_telegram_bot(settings)
    yield telegram
    await telegram.session.close()


@pytest.fixture
async def session(app: App) -> AsyncIterator[AsyncSession]:
    async with app.session_factory() as db:
        yield db


ChatUser = TelegramUser | WhatsAppUser


class MakeUser(Protocol):
    def __call__(self, first_name: str = ..., language_code: str | None = ...) -> ChatUser: ...


@pytest.fixture(params=["telegram", "whatsapp", "whatsapp_buttons"])
def channel(request: pytest.FixtureRequest) -> str:
    """Every conversation test runs on both channels; WhatsApp with numbered options, and with
    quick-reply buttons (up to three options) as where templates are configured."""
    return str(request.param)


@pytest.fixture
def make_user(
    channel: str,
    app: App,
    bot: Bot,
    standin: TelegramStandIn,
    twilio: TwilioStandIn,
    whatsapp: tuple[WhatsAppTransport, str],
    call_guard: CallGuard,
) -> MakeUser:
    """People on the test's channel; on WhatsApp the language_code is unknown, as there."""
    counter = iter(range(1001, 10**6))
    transport, local_url = whatsapp
    if channel == "whatsapp_buttons":
        transport.channel.quick_replies = QUICK_REPLY_TEMPLATES
    bot.session.middleware(call_guard)
    transport.channel.bot.session.middleware(call_guard)

    def factory(first_name: str = "Айгерім", language_code: str | None = "kk") -> ChatUser:
        number = next(counter)
        if channel.startswith("whatsapp"):
            return WhatsAppUser(
                twilio, local_url, PUBLIC_URL, app.session_factory, 77010000000 + number, first_name
            )
        return TelegramUser(app.dispatcher, bot, standin, number, first_name, language_code)

    return factory


@pytest.fixture
def call_guard(app: App) -> Iterator[CallGuard]:
    """Conversation tests are sequential: any transaction open at a Bot API call is the bot's."""
    guard = CallGuard(app.engine)
    yield guard
    assert guard.violations == [], "\n".join(guard.violations)


class Db:
    """Reads in a fresh session each time, so no test transaction holds SQLite's write lock."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def scalar(self, statement: Any) -> Any:
        async with self.sessions() as db:
            return await db.scalar(statement)

    async def all(self, statement: Any) -> list[Any]:
        async with self.sessions() as db:
            return list(await db.scalars(statement))

    async def count(self, model: Any) -> int:
        return int(await self.scalar(select(func.count()).select_from(model)))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Db]:
    """Independent of `app`, so tests that build their own App can use it too."""
    engine = create_engine(database_url)
    yield Db(create_session_factory(engine))
    await engine.dispose()
