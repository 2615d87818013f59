"""What each `python -m bot` command does with the App: transports, background work, CLI tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from aiogram import Bot

from bot.app import App, build_app, make_telegram_bot
from bot.commands import publish_default_commands
from bot.config import Settings
from bot.outbox_sender import OutboxSender
from bot.scheduler import dispose_job_engines, start_scheduler
from services.invites import Scope, create_invite
from storage.models import Role

log = logging.getLogger(__name__)


async def run(settings: Settings) -> None:
    if not settings.telegram_enabled and not settings.whatsapp_enabled:
        await run_console_mode(settings)
        return
    async with opened(settings) as app, telegram_bot(settings) as bot:
        await publish_default_commands(bot, app.i18n)
        async with background_work(app, bot):
            if settings.webhook_enabled:
                from bot.webhook import run_webhook

                await run_webhook(app, bot)
            else:
                from bot.polling import run_polling

                await run_polling(app, bot)


@contextlib.asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[App]:
    """The App for one command, closed however the command ends."""
    app = await build_app(settings)
    try:
        yield app
    finally:
        await app.close()


@contextlib.asynccontextmanager
async def telegram_bot(settings: Settings) -> AsyncIterator[Bot]:
    bot = make_telegram_bot(settings)
    try:
        yield bot
    finally:
        await bot.session.close()


@contextlib.asynccontextmanager
async def background_work(app: App, bot: Bot) -> AsyncIterator[None]:
    """The outbox sender and the scheduler live exactly as long as the transport."""
    stop = asyncio.Event()
    sender = make_sender(app, bot)
    sender_task = asyncio.create_task(sender.run(stop, app.settings.outbox_poll_seconds))
    scheduler = start_scheduler(app.settings)
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
        stop.set()
        await sender_task
        await dispose_job_engines()


def make_sender(app: App, bot: Bot) -> OutboxSender:
    s = app.settings
    return OutboxSender(
        bot,
        app.session_factory,
        rate=s.outbox_telegram_rate,
        per_chat_rate=s.outbox_telegram_per_chat_rate,
        max_attempts=s.outbox_max_attempts,
        lease=timedelta(seconds=s.outbox_claim_lease_seconds),
    )


async def run_console_mode(settings: Settings) -> None:
    from bot.console import run_console

    console_settings = settings.model_copy(update={"database_url": settings.console_database_url})
    async with opened(console_settings) as app:
        await run_console(app)


async def load_demo_data(settings: Settings) -> None:
    from services.demo import load_demo

    async with opened(settings) as app, app.session_factory() as session:
        personas = await load_demo(session)
    for persona in personas:
        print(f"{persona.key:14} {persona.full_name:28} telegram id {persona.telegram_id}")


async def admin_invite(settings: Settings) -> None:
    """Bootstraps the first administrator: prints a one-use admin invite."""
    ttl = timedelta(days=settings.invite_ttl_days)
    async with opened(settings) as app, app.session_factory() as session:
        view = await create_invite(
            session, None, frozenset(), Role.ADMIN, Scope(), ttl=ttl, bootstrap=True
        )
    print(f"Admin invite code: {view.code}")
    print(f"Open in Telegram: https://t.me/<your_bot>?start={view.code}")
    print(f"Or send in any chat with the bot: /start {view.code}")


async def drain_outbox(settings: Settings) -> None:
    """Sends everything due in the outbox, then exits (operations, and the crash test)."""
    async with opened(settings) as app, telegram_bot(settings) as bot:
        print(await make_sender(app, bot).drain())
