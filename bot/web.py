"""The bot's own aiohttp server: the Telegram webhook, Twilio's webhooks and media links."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiogram import Bot
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.app import App
from bot.telegram.webhook import add_telegram_routes
from bot.whatsapp.media import MEDIA_PREFIX
from bot.whatsapp.transport import WhatsAppTransport
from bot.whatsapp.web import add_whatsapp_routes

log = logging.getLogger(__name__)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """No query strings and no media paths: a signed media link is usable until it expires,
    and its file name may say whose data it is."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = MEDIA_PREFIX + "…" if request.path.startswith(MEDIA_PREFIX) else request.path
        self.logger.info(
            '%s "%s %s" %s %.3fs', request.remote, request.method, path, response.status, time
        )


def build_web_app(
    app: App, bot: Bot | None, whatsapp: WhatsAppTransport | None = None
) -> web.Application:
    """Telegram's webhook when `bot` is given; Twilio's routes and media when `whatsapp` is."""
    web_app = web.Application(client_max_size=1024**2)
    settings = app.settings
    if whatsapp is not None:
        assert settings.public_base_url and settings.twilio_auth_token
        add_whatsapp_routes(
            web_app,
            whatsapp,
            settings.public_base_url,
            settings.twilio_auth_token.get_secret_value(),
        )
    if bot is not None:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        add_telegram_routes(web_app, app.dispatcher, bot, secret)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app.router.add_get("/healthz", health)
    return web_app


def app_runner(web_app: web.Application) -> web.AppRunner:
    return web.AppRunner(web_app, access_log_class=PathOnlyAccessLogger)


@contextlib.asynccontextmanager
async def http_server(web_app: web.Application, host: str, port: int) -> AsyncIterator[None]:
    runner = app_runner(web_app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on %s:%s", host, port)
    try:
        yield
    finally:
        await runner.cleanup()
