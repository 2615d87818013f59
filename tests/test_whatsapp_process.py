"""The whole process with WhatsApp alone: `python -m bot` serves Twilio's signed webhook, answers
through Twilio, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import aiohttp

from bot.whatsapp.web import SIGNATURE_HEADER, WHATSAPP_PATH
from tests.standins.twilio_api import SANDBOX_NUMBER, TwilioStandIn

USER = "whatsapp:+77019998877"
REPO_ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def post_until_up(url: str, form: dict[str, str], signature: str) -> int:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):  # the process migrates and starts within a few seconds
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.post(url, data=form, headers={SIGNATURE_HEADER: signature}) as r:
                    return r.status
            await asyncio.sleep(0.05)
    raise AssertionError("the bot's server never came up")


async def test_whatsapp_only_process_answers_and_stops_on_sigterm(
    database_url: str, twilio: TwilioStandIn
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "TWILIO_", "WEBHOOK_"))
    } | {
        "DATABASE_URL": database_url,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": SANDBOX_NUMBER,
        "TWILIO_API_URL": twilio.base_url,
        "PUBLIC_BASE_URL": public,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=REPO_ROOT, env=env, stderr=PIPE
    )
    try:
        form = twilio.incoming_form(USER, "/start", profile_name="Асель")
        url = public + WHATSAPP_PATH
        assert await post_until_up(url, form, twilio.signature(url, form)) == 200
        [greeting] = twilio.messages(USER)
        assert "1. Қазақша" in (greeting.body or "")
        assert await post_until_up(url, form, "forged") == 403
        bot.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(bot.communicate(), timeout=20)
        assert bot.returncode == 0, errors.decode()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
