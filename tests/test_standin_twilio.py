"""Tests for the local Twilio Messages API stand-in, driven through the real twilio SDK."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.standins.twilio_api import TwilioStandIn

USER = "whatsapp:+77011234567"
SANDBOX = "whatsapp:+14155238886"

# twilio's AsyncTwilioHttpClient passes ``auth=`` to aiohttp, deprecated in aiohttp 3.14;
# the warning is attributed to twilio's module, so pyproject's aiohttp filters miss it.


@pytest.fixture
async def tw() -> AsyncIterator[TwilioStandIn]:
    async with TwilioStandIn() as server:
        yield server


async def _client(tw: TwilioStandIn, token: str | None = None) -> AsyncIterator[Any]:
    http_client = AsyncTwilioHttpClient()
    client = Client(tw.account_sid, token or tw.auth_token, http_client=http_client)
    client.api.base_url = tw.base_url
    try:
        yield client
    finally:
        await http_client.close()


@pytest.fixture
async def client(tw: TwilioStandIn) -> AsyncIterator[Any]:
    async for c in _client(tw):
        yield c


async def test_send_is_recorded(tw: TwilioStandIn, client: Any) -> None:
    assert tw.base_url.startswith("http://127.0.0.1:")
    assert not tw.base_url.endswith(":0")
    msg = await client.messages.create_async(to=USER, from_=SANDBOX, body="hi")
    assert msg.sid.startswith("SM") and len(msg.sid) == 34
    assert (msg.to, msg.from_, msg.body, msg.status) == (USER, SANDBOX, "hi", "queued")
    assert msg.account_sid == tw.account_sid
    assert msg.date_created is not None
    [sent] = tw.messages()
    assert sent.sid == msg.sid
    assert (sent.to, sent.from_, sent.body) == (USER, SANDBOX, "hi")
    assert sent.media_urls == () and sent.content_sid is None and sent.status_callback is None
    assert tw.bodies(USER) == ["hi"]
    assert tw.messages("whatsapp:+70000000000") == []
    [req] = tw.requests
    assert req.status == 201
    assert req.path == f"/2010-04-01/Accounts/{tw.account_sid}/Messages.json"
    assert req.form["Body"] == ["hi"]


async def test_media_and_content_template_recorded(tw: TwilioStandIn, client: Any) -> None:
    urls = ["https://example.com/a.jpg", "https://example.com/b.pdf"]
    msg = await client.messages.create_async(to=USER, from_=SANDBOX, media_url=urls)
    assert msg.num_media == "2"
    await client.messages.create_async(
        to=USER,
        from_=SANDBOX,
        content_sid="HX" + "1" * 32,
        content_variables=json.dumps({"1": "Aigerim", "2": "12:30"}),
        status_callback="https://bot.example/twilio/status",
    )
    media, template = tw.messages(USER)
    assert media.media_urls == tuple(urls)
    assert media.body == ""
    assert template.content_sid == "HX" + "1" * 32
    assert template.content_variables == {"1": "Aigerim", "2": "12:30"}
    assert template.status_callback == "https://bot.example/twilio/status"


async def test_missing_content_is_refused(tw: TwilioStandIn, client: Any) -> None:
    with pytest.raises(TwilioRestException) as info:
        await client.messages.create_async(to=USER, from_=SANDBOX)
    assert (info.value.status, info.value.code) == (400, 21619)
    assert tw.messages() == []


async def test_wrong_token_is_401(tw: TwilioStandIn) -> None:
    async for bad in _client(tw, token="wrong-token"):
        with pytest.raises(TwilioRestException) as info:
            await bad.messages.create_async(to=USER, from_=SANDBOX, body="hi")
    assert info.value.status == 401
    assert info.value.code == 20003
    assert tw.messages() == []
    assert [r.status for r in tw.requests] == [401]


async def test_fail_next_then_success(tw: TwilioStandIn, client: Any) -> None:
    tw.fail_next(429, 20429)
    with pytest.raises(TwilioRestException) as info:
        await client.messages.create_async(to=USER, from_=SANDBOX, body="first")
    assert (info.value.status, info.value.code) == (429, 20429)
    await client.messages.create_async(to=USER, from_=SANDBOX, body="second")
    assert tw.bodies() == ["second"]
    assert [r.status for r in tw.requests] == [429, 201]


async def test_fail_next_targets_recipient(tw: TwilioStandIn, client: Any) -> None:
    other = "whatsapp:+77770000000"
    tw.fail_next(400, 63016, to=USER, times=2)
    await client.messages.create_async(to=other, from_=SANDBOX, body="ok")
    for _ in range(2):
        with pytest.raises(TwilioRestException) as info:
            await client.messages.create_async(to=USER, from_=SANDBOX, body="late")
        assert info.value.code == 63016
        assert "outside the allowed window" in info.value.msg
    await client.messages.create_async(to=USER, from_=SANDBOX, body="template")
    assert tw.bodies() == ["ok", "template"]


async def test_rate_limit_refuses_beyond_limit(tw: TwilioStandIn, client: Any) -> None:
    tw.set_rate_limit(2)
    codes: list[int] = []
    for i in range(4):
        try:
            await client.messages.create_async(to=USER, from_=SANDBOX, body=str(i))
            codes.append(201)
        except TwilioRestException as e:
            assert e.status == 429
            codes.append(e.code)
    assert codes == [201, 201, 20429, 20429]
    assert tw.rate_limited == 2
    assert tw.bodies() == ["0", "1"]
    tw.set_rate_limit(None)
    await client.messages.create_async(to=USER, from_=SANDBOX, body="free")
    assert tw.rate_limited == 2


async def test_send_status_is_signed(tw: TwilioStandIn, client: Any) -> None:
    received: list[tuple[dict[str, str], str]] = []

    async def receiver(request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        received.append((form, request.headers.get("X-Twilio-Signature", "")))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/twilio/status", receiver)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/twilio/status"
        await client.messages.create_async(to=USER, from_=SANDBOX, body="hi", status_callback=url)
        [sent] = tw.messages()
        assert await tw.send_status(sent, "undelivered", 63024) == 204
    finally:
        await runner.cleanup()
    [(form, signature)] = received
    assert form["MessageSid"] == form["SmsSid"] == sent.sid
    assert form["MessageStatus"] == form["SmsStatus"] == "undelivered"
    assert form["ErrorCode"] == "63024"
    assert (form["To"], form["From"], form["ChannelPrefix"]) == (USER, SANDBOX, "whatsapp")
    assert form["AccountSid"] == tw.account_sid
    assert RequestValidator(tw.auth_token).validate(url, form, signature)
    assert not RequestValidator("other-token").validate(url, form, signature)


async def test_incoming_form_and_signature(tw: TwilioStandIn) -> None:
    form = tw.incoming_form(USER, "salem", profile_name="Aigerim", NumMedia="1")
    assert form["From"] == USER and form["To"] == SANDBOX and form["Body"] == "salem"
    assert form["MessageSid"].startswith("SM") and form["MessageSid"] == form["SmsSid"]
    assert form["WaId"] == "77011234567"
    assert form["ProfileName"] == "Aigerim"
    assert form["NumMedia"] == "1"
    assert form["AccountSid"] == tw.account_sid
    url = "https://bot.example/twilio/webhook"
    signature = tw.signature(url, form)
    assert RequestValidator(tw.auth_token).validate(url, form, signature)
    assert not RequestValidator(tw.auth_token).validate(url, {**form, "Body": "x"}, signature)
