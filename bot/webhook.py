"""The bot's own aiohttp server: the Telegram webhook now, WhatsApp and media later."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.app import App

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_web_app(app: App, bot: Bot) -> web.Application:
    web_app = web.Application(client_max_size=1024**2)
    secret = app.settings.webhook_secret.get_secret_value() if app.settings.webhook_secret else ""

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except (json.JSONDecodeError, UnicodeDecodeError, ValidationError, TypeError):
            log.warning("malformed webhook body from %s", request.remote)
            return web.Response(status=400, text="Malformed update")
        # Handled before answering: a crash mid-update makes Telegram redeliver, and the
        # dedup table drops the copy of an update we did finish.
        await app.dispatcher.feed_update(bot, update)
        return web.Response(status=200)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app.router.add_post(TELEGRAM_PATH, telegram_webhook)
    web_app.router.add_get("/healthz", health)
    return web_app


async def run_webhook(app: App, bot: Bot) -> None:
    settings = app.settings
    assert settings.webhook_url and settings.webhook_secret
    runner = web.AppRunner(build_web_app(app, bot))
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
    log.info("webhook on %s:%s%s", settings.http_host, settings.http_port, TELEGRAM_PATH)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
