"""What each `python -m bot` command does with the App: transports, background work, CLI tasks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator
from datetime import timedelta

from aiogram import Bot

from bot.app import App, build_app
from bot.config import Settings
from bot.outbox.couriers import Courier
from bot.outbox.sender import OutboxSender
from bot.scheduler import dispose_job_engines, finish_jobs, share_engine, start_scheduler
from bot.telegram.bot import make_telegram_bot
from bot.telegram.commands import publish_default_commands
from bot.telegram.courier import TelegramCourier
from bot.telegram.webhook import register_webhook
from bot.web import build_web_app, http_server
from bot.whatsapp.setup import whatsapp_courier, whatsapp_transport
from bot.whatsapp.transport import WhatsAppTransport
from services.channels import Channel
from services.invites.invites import create_invite
from services.roles import Role, Scope

log = logging.getLogger(__name__)
JOBS_FINISH_SECONDS = 10  # a tick or purge under way at shutdown: chunked, so it ends soon


async def run(settings: Settings) -> None:
    if not settings.telegram_enabled and not settings.whatsapp_enabled:
        await run_console_mode(settings)
        return
    async with opened(settings, serving=True) as app, contextlib.AsyncExitStack() as stack:
        couriers: list[Courier] = []
        bot: Bot | None = None
        whatsapp: WhatsAppTransport | None = None
        if settings.telegram_enabled:
            bot = await stack.enter_async_context(telegram_bot(settings))
            await publish_default_commands(bot, app.assembly.menu, app.i18n)
            app.links.telegram_username = (await bot.me()).username
            couriers.append(TelegramCourier(bot))
        if settings.whatsapp_enabled:
            whatsapp = await stack.enter_async_context(whatsapp_transport(app))
            couriers.append(whatsapp_courier(app, whatsapp))
        await stack.enter_async_context(background_work(app, couriers))
        if settings.webhook_enabled or whatsapp is not None:
            web_app = build_web_app(app, bot if settings.webhook_enabled else None, whatsapp)
            await stack.enter_async_context(
                http_server(web_app, settings.http_host, settings.http_port)
            )
        if bot is not None and settings.webhook_enabled:
            await register_webhook(settings, app.dispatcher, bot)
        # Start-up's objects (models, routers, catalogs) live as long as the process: the
        # collector stops scanning them, so its passes under load stay short.
        gc.freeze()
        if bot is not None and not settings.webhook_enabled:
            from bot.telegram.polling import run_polling

            await run_polling(app, bot)
        else:
            await until_stopped()


async def until_stopped() -> None:
    """Serve until SIGTERM or Ctrl+C; then every context above closes in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for number in signals:
        loop.add_signal_handler(number, stop.set)
    try:
        await stop.wait()
    finally:
        for number in signals:
            loop.remove_signal_handler(number)


@contextlib.asynccontextmanager
async def opened(settings: Settings, *, serving: bool = False) -> AsyncIterator[App]:
    """The App for one command, closed however the command ends. Only a process that handles
    updates (`serving`) keeps the update journal: the operator's commands leave it alone."""
    app = await build_app(settings, serving=serving)
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
async def background_work(app: App, couriers: list[Courier]) -> AsyncIterator[None]:
    """The outbox senders and the scheduler live exactly as long as the transports."""
    stop = asyncio.Event()
    poll = app.settings.outbox_poll_seconds
    tasks = [asyncio.create_task(make_sender(app, c).run(stop, poll)) for c in couriers]
    share_engine(app.settings.database_url, app.engine)
    scheduler = start_scheduler(app.settings)
    try:
        yield
    finally:
        # APScheduler's shutdown cancels the jobs under way: let them end first.
        scheduler.pause()
        await finish_jobs(JOBS_FINISH_SECONDS)
        scheduler.shutdown(wait=False)
        stop.set()
        await asyncio.gather(*tasks)
        await dispose_job_engines()


def make_sender(app: App, courier: Courier) -> OutboxSender:
    """One sender per channel, each at its channel's limits."""
    s = app.settings
    telegram = courier.channel is Channel.TELEGRAM
    return OutboxSender(
        courier,
        app.session_factory,
        rate=s.outbox_telegram_rate if telegram else s.outbox_whatsapp_rate,
        per_chat_rate=(
            s.outbox_telegram_per_chat_rate if telegram else s.outbox_whatsapp_per_chat_rate
        ),
        max_attempts=s.outbox_max_attempts,
        lease=timedelta(seconds=s.outbox_claim_lease_seconds),
    )


async def run_console_mode(settings: Settings) -> None:
    from bot.console import run_console

    console_settings = settings.model_copy(update={"database_url": settings.console_database_url})
    async with opened(console_settings, serving=True) as app:
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
    async with opened(settings) as app, contextlib.AsyncExitStack() as stack:
        if settings.telegram_enabled:
            bot = await stack.enter_async_context(telegram_bot(settings))
            print("telegram:", await make_sender(app, TelegramCourier(bot)).drain())
        if settings.whatsapp_enabled:
            whatsapp = await stack.enter_async_context(whatsapp_transport(app))
            courier = whatsapp_courier(app, whatsapp)
            print("whatsapp:", await make_sender(app, courier).drain())
