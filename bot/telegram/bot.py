"""The aiogram Bot that talks to Telegram's Bot API (or a local one, TELEGRAM_API_URL)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.telegram.responses import pin_response_classes


def make_telegram_bot(settings: Settings) -> Bot:
    assert settings.telegram_bot_token is not None
    pin_response_classes()
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=None, link_preview_is_disabled=True),
    )
