"""Telegram's default "/" menus, one per language, for people we do not know yet."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from handlers.common.menu import Menu
from services.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES


async def publish_default_commands(bot: Bot, menu: Menu, i18n: I18n) -> None:
    scope = BotCommandScopeDefault()
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            menu.bot_commands(frozenset(), i18n, locale), scope=scope, language_code=locale
        )
    # Clients in any other language get Kazakh, the default.
    await bot.set_my_commands(menu.bot_commands(frozenset(), i18n, DEFAULT_LOCALE), scope=scope)
