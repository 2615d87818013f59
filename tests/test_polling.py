"""Long polling through the stand-in's getUpdates reaches the same Dispatcher."""

from __future__ import annotations

import asyncio

from aiogram import Bot

from bot.app import App
from bot.telegram.polling import run_polling
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn


async def test_polling_answers_updates(app: App, bot: Bot, standin: TelegramStandIn) -> None:
    user = TelegramUser(app.dispatcher, bot, standin, 4242, "Нұржан", "en")
    polling = asyncio.create_task(run_polling(app, bot))
    standin.push_update(user.message_update("/start"))
    async with asyncio.timeout(10):
        await standin.wait_for("sendMessage", chat_id=user.id)
    await app.dispatcher.stop_polling()
    await polling
    assert user.buttons() == ["Қазақша", "Русский", "English"]
    assert standin.calls("deleteWebhook")
