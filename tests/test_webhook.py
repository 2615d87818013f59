"""Telegram webhook on the bot's own aiohttp server: secret checked, redelivery handled once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiohttp import web
from pydantic import SecretStr

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.webhook import SECRET_HEADER, TELEGRAM_PATH
from bot.web import build_web_app
from storage.models.system import ProcessedUpdate
from tests.conftest import Db
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn

SECRET = "s3cret-token_for-tests"


@pytest.fixture
async def webhook_app(settings: Settings) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "webhook_url": "https://qamqor.example/telegram/webhook",
            "webhook_secret": SecretStr(SECRET),
        }
    )
    application = await build_app(configured)
    yield application
    await application.close()


@pytest.fixture
async def base_url(webhook_app: App, bot: Bot) -> AsyncIterator[str]:
    runner = web.AppRunner(build_web_app(webhook_app, bot))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def user_for(webhook_app: App, bot: Bot, standin: TelegramStandIn) -> TelegramUser:
    return TelegramUser(webhook_app.dispatcher, bot, standin, 555, "Асель", "en")


async def post(base_url: str, body: object, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(base_url + TELEGRAM_PATH, json=body, headers=headers) as response,
    ):
        return response.status


async def test_wrong_or_missing_secret_is_refused_and_nothing_processed(
    base_url: str, webhook_app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    update = user_for(webhook_app, bot, standin).message_update("/start", update_id=77)
    assert await post(base_url, update, secret=None) == 401
    assert await post(base_url, update, secret="wrong") == 401
    assert standin.calls("sendMessage") == []
    assert await db.count(ProcessedUpdate) == 0


async def test_same_update_twice_is_handled_once(
    base_url: str, webhook_app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    update = user_for(webhook_app, bot, standin).message_update("/start", update_id=78)
    assert await post(base_url, update) == 200
    assert await post(base_url, update) == 200
    assert len(standin.calls("sendMessage")) == 1
    assert await db.count(ProcessedUpdate) == 1


async def test_malformed_body_gets_400(base_url: str, standin: TelegramStandIn) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            base_url + TELEGRAM_PATH, data=b"{not json", headers={SECRET_HEADER: SECRET}
        ) as response:
            assert response.status == 400
        async with http.post(
            base_url + TELEGRAM_PATH,
            json={"message": "no update id"},
            headers={SECRET_HEADER: SECRET},
        ) as response:
            assert response.status == 400
    assert standin.requests == []


def test_webhook_url_without_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_bot_token="1:x", webhook_url="https://x.example/hook")
