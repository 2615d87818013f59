"""Personal data and secrets stay where they belong: not in logs, not in error texts, not kept
after /forget, and a phone number is only ever read one way."""

from __future__ import annotations

import logging
import socket
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.app import App
from bot.web import build_web_app, http_server
from bot.whatsapp.transport import WhatsAppTransport
from services.roles import Role
from storage.models.linking import LinkAttempt
from storage.models.people import ChannelIdentity
from storage.models.system import ProcessedUpdate
from storage.models.whatsapp import WhatsAppChat
from tests.builders import registered
from tests.conftest import PUBLIC_URL, Db, MakeUser
from tests.standins.twilio_api import TwilioStandIn
from tests.whatsapp_driver import WhatsAppUser

NUMBER = 77017654321


@pytest.fixture
def wa_user(
    app: App, twilio: TwilioStandIn, whatsapp: tuple[WhatsAppTransport, str]
) -> WhatsAppUser:
    return WhatsAppUser(twilio, whatsapp[1], PUBLIC_URL, app.session_factory, NUMBER, "Дана")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_signed_media_links_stay_out_of_the_access_log(
    app: App,
    wa_user: WhatsAppUser,
    whatsapp: tuple[WhatsAppTransport, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Defect: the aiohttp access log of the production server (bot/webhook.py http_server,
    logging at INFO) writes each request line with its query: a /mydata link's signature,
    usable by anyone who reads the log until it expires."""
    await registered(app, wa_user, Role.VOLUNTEER)
    await wa_user.send("/mydata")
    [url] = wa_user.messages()[-1].media_urls
    [signature] = parse_qs(urlsplit(url).query)["signature"]
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    port = free_port()
    async with http_server(build_web_app(app, None, whatsapp[0]), "127.0.0.1", port):
        local = url.replace(PUBLIC_URL, f"http://127.0.0.1:{port}", 1)
        async with aiohttp.ClientSession() as http, http.get(local) as response:
            assert response.status == 200
            await response.read()
    leaked = [r.getMessage() for r in caplog.records if signature in r.getMessage()]
    assert leaked == []


async def test_database_errors_do_not_carry_the_values_bound(
    app: App, wa_user: WhatsAppUser
) -> None:
    """Defect: engines from storage/engine.py:create_engine keep SQLAlchemy's default of
    printing bound parameters in an error's text, so a traceback in the log carries phone
    numbers, names and ids."""
    person_id = await registered(app, wa_user, Role.VOLUNTEER)
    async with app.session_factory() as session:
        session.add(
            ChannelIdentity(person_id=person_id, channel="whatsapp", external_id=str(NUMBER))
        )
        with pytest.raises(IntegrityError) as error:
            await session.flush()
    assert str(NUMBER) not in str(error.value)


@pytest.mark.parametrize(
    "address",
    [
        "whatsapp:+٧٧٠١٧٦٥٤٣٢١",  # Arabic-Indic digits
        "whatsapp:+７７０１７６５４３２１",  # full-width digits
        "whatsapp:+0077017654321",  # leading zeros: the same number, written another way
    ],
    ids=["arabic_indic", "full_width", "leading_zeros"],
)
async def test_whatsapp_number_in_other_digits_is_a_400(
    wa_user: WhatsAppUser, twilio: TwilioStandIn, db: Db, address: str
) -> None:
    """Defect: bot/whatsapp/address.py:chat_id_of checks str.isdigit() and int(), which accept
    any Unicode digits and leading zeros: another spelling of a number is taken as that number
    (its identity, chat and 24-hour window) instead of being refused."""
    wa_user.address = address
    assert await wa_user.post(wa_user.form("/start")) == 400
    assert twilio.messages() == []
    assert await db.count(ProcessedUpdate) == 0
    assert await db.count(WhatsAppChat) == 0


async def test_forget_leaves_no_link_attempts_behind(app: App, make_user: MakeUser, db: Db) -> None:
    """Defect: wrong /link codes leave a link_attempt row keyed by the account (a WhatsApp
    phone number, a Telegram id); /forget deletes the person but not that row."""
    user = make_user()
    await registered(app, user, Role.VOLUNTEER)
    for _ in range(2):
        await user.send("/link 00000000")
    assert await db.count(LinkAttempt) == 1
    await user.send("/forget")
    await user.press("Yes, delete everything")
    assert user.last_text.startswith("Everything about you has been deleted.")
    kept = await db.all(select(LinkAttempt.external_id))
    assert user.external_id not in kept
