"""The process-wide pieces, built once from Settings in main() and shared by every transport."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.dispatcher import build_dispatcher, release_routers
from bot.fsm_storage import SqlStorage
from bot.i18n import make_i18n
from handlers.deeplinks import DeepLinks
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    i18n: I18n
    dispatcher: Dispatcher
    links: DeepLinks

    async def close(self) -> None:
        release_routers(self.dispatcher)
        await self.dispatcher.storage.close()
        await self.engine.dispose()


def make_storage(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url)
    return SqlStorage(session_factory)


async def build_app(settings: Settings, *, migrate: bool = True) -> App:
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    session_factory = create_session_factory(engine)
    i18n = make_i18n()
    number = (settings.twilio_whatsapp_from or "").removeprefix("whatsapp:+")
    links = DeepLinks(whatsapp_number=number if settings.whatsapp_enabled else None)
    storage = make_storage(settings, session_factory)
    dispatcher = build_dispatcher(session_factory, storage, i18n, links=links)
    return App(settings, engine, session_factory, i18n, dispatcher, links)


def make_telegram_bot(settings: Settings) -> Bot:
    assert settings.telegram_bot_token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=None, link_preview_is_disabled=True),
    )
