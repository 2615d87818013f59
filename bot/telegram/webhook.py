"""Telegram's webhook on the bot's own web server."""

from __future__ import annotations

import hmac
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def add_telegram_routes(
    web_app: web.Application, dispatcher: Dispatcher, bot: Bot, secret: str
) -> None:
    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except (ValueError, TypeError, RecursionError, ValidationError):
            # JSON that does not parse, is nested absurdly deep, or is no update.
            log.warning("malformed webhook body from %s", request.remote)
            return web.Response(status=400, text="Malformed update")
        # Answered only once handled: a crash mid-update leaves Telegram without an answer, so
        # it delivers the update again, and the update's unfinished mark lets it through.
        await dispatcher.feed_update(bot, update)
        return web.Response(status=200)

    web_app.router.add_post(TELEGRAM_PATH, telegram_webhook)


async def register_webhook(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> None:
    assert settings.webhook_url and settings.webhook_secret
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=dispatcher.resolve_used_update_types(),
    )
