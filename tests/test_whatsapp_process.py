"""The whole process with WhatsApp alone: `run()` serves Twilio's webhook and answers through it."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import aiohttp
from pydantic import SecretStr

from bot.config import Settings
from bot.runner import run
from bot.whatsapp.web import SIGNATURE_HEADER, WHATSAPP_PATH
from tests.standins.twilio_api import TwilioStandIn

USER = "whatsapp:+77019998877"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def post_until_up(url: str, form: dict[str, str], signature: str) -> int:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):  # the process migrates and starts within a few seconds
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.post(url, data=form, headers={SIGNATURE_HEADER: signature}) as r:
                    return r.status
            await asyncio.sleep(0.05)
    raise AssertionError("the bot's server never came up")


async def test_whatsapp_only_process_answers_a_signed_message(
    settings: Settings, twilio: TwilioStandIn
) -> None:
    port = free_port()
    whatsapp_only = settings.model_copy(
        update={
            "telegram_bot_token": None,
            "http_port": port,
            "public_base_url": f"http://127.0.0.1:{port}",
            "twilio_auth_token": SecretStr(twilio.auth_token),
        }
    )
    process = asyncio.create_task(run(whatsapp_only))
    try:
        form = twilio.incoming_form(USER, "/start", profile_name="Асель")
        url = f"http://127.0.0.1:{port}{WHATSAPP_PATH}"
        assert await post_until_up(url, form, twilio.signature(url, form)) == 200
        [greeting] = twilio.messages(USER)
        assert "1. Қазақша" in (greeting.body or "")
        assert await post_until_up(url, form, "forged") == 403
    finally:
        process.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await process
