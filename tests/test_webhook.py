"""Telegram webhook on the bot's own aiohttp server: secret checked, redelivery handled once."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot

from bot.app import App
from bot.config import Settings
from bot.telegram.webhook import SECRET_HEADER, TELEGRAM_PATH
from storage.models.system import ProcessedUpdate
from tests.conftest import WEBHOOK_SECRET, Db
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn

SECRET = WEBHOOK_SECRET


def user_for(webhook_app: App, bot: Bot, standin: TelegramStandIn) -> TelegramUser:
    return TelegramUser(webhook_app.dispatcher, bot, standin, 555, "Асель", "en")


async def post(webhook_base: str, body: object, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(webhook_base + TELEGRAM_PATH, json=body, headers=headers) as response,
    ):
        return response.status


async def test_wrong_or_missing_secret_is_refused_and_nothing_processed(
    webhook_base: str, webhook_app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    update = user_for(webhook_app, bot, standin).message_update("/start", update_id=77)
    assert await post(webhook_base, update, secret=None) == 401
    assert await post(webhook_base, update, secret="wrong") == 401
    assert standin.calls("sendMessage") == []
    assert await db.count(ProcessedUpdate) == 0


async def test_same_update_twice_is_handled_once(
    webhook_base: str, webhook_app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    update = user_for(webhook_app, bot, standin).message_update("/start", update_id=78)
    assert await post(webhook_base, update) == 200
    assert await post(webhook_base, update) == 200
    assert len(standin.calls("sendMessage")) == 1


async def test_malformed_body_gets_400(webhook_base: str, standin: TelegramStandIn) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            webhook_base + TELEGRAM_PATH, data=b"{not json", headers={SECRET_HEADER: SECRET}
        ) as response:
            assert response.status == 400
        async with http.post(
            webhook_base + TELEGRAM_PATH,
            json={"message": "no update id"},
            headers={SECRET_HEADER: SECRET},
        ) as response:
            assert response.status == 400
    assert standin.requests == []


def test_webhook_url_without_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_bot_token="1:x", webhook_url="https://x.example/hook")
