"""The bot's own aiohttp server: the Telegram webhook, Twilio's webhooks and media links."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.app import App
from bot.whatsapp.transport import WhatsAppTransport
from bot.whatsapp.web import add_whatsapp_routes

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_web_app(
    app: App, bot: Bot | None, whatsapp: WhatsAppTransport | None = None
) -> web.Application:
    """Telegram's webhook when `bot` is given; Twilio's routes and media when `whatsapp` is."""
    web_app = web.Application(client_max_size=1024**2)
    if whatsapp is not None:
        settings = app.settings
        assert settings.public_base_url and settings.twilio_auth_token
        add_whatsapp_routes(
            web_app,
            whatsapp,
            settings.public_base_url,
            settings.twilio_auth_token.get_secret_value(),
        )
    secret = app.settings.webhook_secret.get_secret_value() if app.settings.webhook_secret else ""

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": telegram})
        except (json.JSONDecodeError, UnicodeDecodeError, ValidationError, TypeError):
            log.warning("malformed webhook body from %s", request.remote)
            return web.Response(status=400, text="Malformed update")
        # Handled before answering: a crash mid-update makes Telegram redeliver, and the
        # dedup table drops the copy of an update we did finish.
        await app.dispatcher.feed_update(telegram, update)
        return web.Response(status=200)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    if bot is not None:
        telegram = bot
        web_app.router.add_post(TELEGRAM_PATH, telegram_webhook)
    web_app.router.add_get("/healthz", health)
    return web_app


@contextlib.asynccontextmanager
async def http_server(web_app: web.Application, host: str, port: int) -> AsyncIterator[None]:
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on %s:%s", host, port)
    try:
        yield
    finally:
        await runner.cleanup()


async def register_webhook(app: App, bot: Bot) -> None:
    settings = app.settings
    assert settings.webhook_url and settings.webhook_secret
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
