"""Long polling through the stand-in's getUpdates reaches the same Dispatcher."""

from __future__ import annotations

import asyncio

from aiogram import Bot
from sqlalchemy import select

from bot.app import App
from bot.telegram.polling import run_polling
from storage.models.system import FsmRecord
from tests.conftest import Db
from tests.driver import TelegramUser
from tests.standins.telegram_api import RecordedRequest, TelegramStandIn


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


async def test_a_stop_waits_for_the_updates_under_way(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db, redis_url: str | None
) -> None:
    """aiogram stops polling without waiting for the updates it is handling; the bot does, so
    a newcomer's /start under way at SIGTERM still gets its answer and its state written."""
    user = TelegramUser(app.dispatcher, bot, standin, 4343, "Нұржан", "en")
    arrived, release = asyncio.Event(), asyncio.Event()

    async def hold_greeting(request: RecordedRequest) -> None:
        if request.method == "sendmessage":
            arrived.set()
            await release.wait()

    standin.on_request = hold_greeting
    polling = asyncio.create_task(run_polling(app, bot))
    standin.push_update(user.message_update("/start"))
    async with asyncio.timeout(10):
        await arrived.wait()
        await app.dispatcher.stop_polling()
        await asyncio.sleep(0.1)
        assert not polling.done()  # still waiting for the greeting's update
        release.set()
        await polling
    standin.on_request = None
    assert user.buttons() == ["Қазақша", "Русский", "English"]
    await app.close()  # as the runner does next: writes the states behind
    if redis_url is None:
        assert await db.scalar(select(FsmRecord.state)) == "StartFlow:language"
