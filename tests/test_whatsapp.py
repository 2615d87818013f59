"""WhatsApp's own rules: signed webhooks, MessageSid dedup, status callbacks, the 24-hour window,
templates, Twilio's errors, media links, and one person on both channels."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import NamedTuple

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from bot.app import App
from bot.outbox.sender import OutboxSender
from bot.runner import make_sender
from bot.telegram.courier import TelegramCourier
from bot.whatsapp.chats import touch_inbound
from bot.whatsapp.courier import WhatsAppCourier
from bot.whatsapp.setup import whatsapp_courier
from bot.whatsapp.transport import WhatsAppTransport
from bot.whatsapp.web import SIGNATURE_HEADER, STATUS_PATH, WHATSAPP_PATH
from services.channels import Channel
from services.messaging.delivery import delivery_counts
from services.messaging.notify import notify
from services.messaging.sending import claim
from services.roles import Role
from storage.base import utcnow
from storage.models.messaging import OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity, Person
from storage.models.system import ProcessedUpdate
from storage.models.whatsapp import WhatsAppChat
from tests.builders import registered
from tests.conftest import PUBLIC_URL, QUICK_REPLY_TEMPLATES, Db
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.twilio_api import TwilioStandIn
from tests.whatsapp_driver import WhatsAppUser

KIND = "test_reminder"
Transport = tuple[WhatsAppTransport, str]


class Senders(NamedTuple):
    telegram: OutboxSender
    whatsapp: OutboxSender


@pytest.fixture
def senders(app: App, bot: Bot, whatsapp: Transport) -> Senders:
    return Senders(
        make_sender(app, TelegramCourier(bot)), make_sender(app, whatsapp_courier(app, whatsapp[0]))
    )


@pytest.fixture
def wa_user(app: App, twilio: TwilioStandIn, whatsapp: Transport) -> WhatsAppUser:
    return WhatsAppUser(twilio, whatsapp[1], PUBLIC_URL, app.session_factory, 77017654321, "Дана")


@pytest.fixture
def tg_user(app: App, bot: Bot, standin: TelegramStandIn) -> TelegramUser:
    return TelegramUser(app.dispatcher, bot, standin, 4242, "Дана", "en")


async def identity(app: App, channel: str, external_id: str) -> int:
    async with app.session_factory() as session:
        found = await session.scalar(
            select(ChannelIdentity.id).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
        )
    assert found is not None
    return found


async def queue_reminder(app: App, identity_id: int, key: str = "r1", locale: str = "en") -> bool:
    async with app.session_factory() as session:
        queued = await notify(
            session,
            identity_id,
            kind=KIND,
            payload={"locale": locale, "text": "Lesson at 15:00", "variables": {"1": "15:00"}},
            dedup_key=key,
        )
        await session.commit()
    return queued


async def set_last_inbound(app: App, user: WhatsAppUser, ago: timedelta) -> None:
    async with app.session_factory() as session:
        await touch_inbound(session, user.external_id, utcnow() - ago)
        await session.commit()


async def rows(db: Db) -> list[OutboxMessage]:
    """The reminders queued by the test (not the bot's own notices)."""
    return await db.all(
        select(OutboxMessage).where(OutboxMessage.kind == KIND).order_by(OutboxMessage.id)
    )


# Incoming webhooks.


async def test_bad_or_missing_signature_is_refused_and_stores_nothing(
    wa_user: WhatsAppUser, twilio: TwilioStandIn, db: Db
) -> None:
    form = wa_user.form("/start")
    assert await wa_user.post(form, signature="bm90LWEtc2lnbmF0dXJl") == 403
    assert await wa_user.post(form, signature="") == 403
    # Signed over the address this server sees rather than the public one: a proxy's URL matters.
    local_signature = twilio.signature(wa_user.local_url + WHATSAPP_PATH, form)
    assert await wa_user.post(form, signature=local_signature) == 403
    tampered = {**form, "Body": "/forget"}
    assert (
        await wa_user.post(tampered, signature=twilio.signature(PUBLIC_URL + WHATSAPP_PATH, form))
        == 403
    )
    assert twilio.messages() == []
    assert await db.count(ProcessedUpdate) == 0
    assert await db.count(WhatsAppChat) == 0
    assert await wa_user.post(form) == 200  # the same request, properly signed
    assert len(twilio.messages()) == 1


async def test_redelivered_message_sid_is_handled_once(
    wa_user: WhatsAppUser, twilio: TwilioStandIn, db: Db
) -> None:
    form = wa_user.form("/start")
    assert await wa_user.post(form) == 200
    assert await wa_user.post(form) == 200  # Twilio retried: same MessageSid
    assert len(twilio.messages(wa_user.address)) == 1


async def test_signed_but_malformed_webhook_is_a_400(wa_user: WhatsAppUser, db: Db) -> None:
    form = wa_user.form("hi")
    form["From"] = "+77017654321"  # an SMS number, not a WhatsApp address
    assert await wa_user.post(form) == 400
    assert await db.count(ProcessedUpdate) == 0


async def test_profile_name_registers_and_number_is_the_identity(
    wa_user: WhatsAppUser, db: Db
) -> None:
    await wa_user.send("/start")
    await wa_user.press("English")
    await wa_user.press("I agree")
    await wa_user.press("Volunteer")
    person = await db.scalar(select(Person))
    assert person.full_name == "Дана"
    identities = await db.all(select(ChannelIdentity))
    assert [(i.channel, i.external_id) for i in identities] == [("whatsapp", "77017654321")]
    assert "Welcome! You are registered as: Volunteer." in wa_user.texts()  # then the application


async def test_typed_option_text_works_like_its_number(wa_user: WhatsAppUser, db: Db) -> None:
    await wa_user.send("/start")
    await wa_user.send("english")
    await wa_user.send("I agree")
    await wa_user.send("2")  # Parent
    assert await db.all(select(Person.locale)) == ["en"]
    assert "Parent" in "\n".join(wa_user.texts())


# Media links.


async def test_mydata_arrives_as_a_signed_short_lived_media_link(
    app: App, wa_user: WhatsAppUser, twilio: TwilioStandIn
) -> None:
    await registered(app, wa_user, Role.VOLUNTEER)
    await wa_user.send("/mydata")
    sent = twilio.messages(wa_user.address)[-1]
    [url] = sent.media_urls
    assert url.startswith(PUBLIC_URL + "/media/") and "signature=" in url
    status, body = await wa_user.fetch_media(url)
    assert status == 200 and b'"full_name": "\\u0414' not in body and "Дана".encode() in body
    assert (await wa_user.fetch_media(url.replace("signature=", "signature=0")))[0] == 403
    expired = url.split("expires=")[0] + "expires=1&" + url.split("&", 1)[1]
    assert (await wa_user.fetch_media(expired))[0] == 403


# The outbox on WhatsApp: window, templates, errors, statuses.


async def test_reminder_inside_the_window_goes_as_text(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn, db: Db
) -> None:
    await registered(app, wa_user, Role.PARENT)
    await set_last_inbound(app, wa_user, timedelta(hours=23))
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    stats = await make_sender(app, whatsapp_courier(app, whatsapp[0])).drain()
    assert stats.sent == 1
    [sent] = twilio.messages(wa_user.address)
    assert sent.body == "Lesson at 15:00" and sent.content_sid is None
    assert sent.status_callback == PUBLIC_URL + STATUS_PATH
    [row] = await rows(db)
    assert (row.status, row.provider_sid, row.delivery_status) == ("sent", sent.sid, "queued")


async def test_a_row_claimed_earlier_keeps_its_window_after_a_later_claim(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn
) -> None:
    """The sender claims ahead: a row from one claim may go after the next claim is prepared."""
    await registered(app, wa_user, Role.PARENT)
    await set_last_inbound(app, wa_user, timedelta(hours=1))
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    courier = whatsapp_courier(app, whatsapp[0])
    async with app.session_factory() as session:
        [item] = await claim(session, Channel.WHATSAPP, utcnow(), 10, timedelta(minutes=1))
    await courier.prepare([item])
    await courier.prepare([replace(item, id=0, external_id="77010009999")])  # the next claim
    await courier.post(item)
    [sent] = twilio.messages(wa_user.address)
    assert sent.body == "Lesson at 15:00" and sent.content_sid is None


async def test_reminder_outside_the_window_goes_as_the_configured_template(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn, db: Db
) -> None:
    await registered(app, wa_user, Role.PARENT)
    await set_last_inbound(app, wa_user, timedelta(hours=25))
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id), locale="ru")
    templates = {KIND: {"kk": "HX" + "1" * 32, "ru": "HX" + "2" * 32}}
    courier = WhatsAppCourier(whatsapp[0].channel, templates, PUBLIC_URL + STATUS_PATH)
    assert (await make_sender(app, courier).drain()).sent == 1
    [sent] = twilio.messages(wa_user.address)
    assert sent.content_sid == "HX" + "2" * 32
    assert sent.content_variables == {"1": "15:00"}
    assert not sent.body  # the template's own text goes, not ours
    [row] = await rows(db)
    assert row.status == "sent"


async def test_reminder_outside_the_window_without_template_is_refused_and_recorded(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn, db: Db
) -> None:
    await registered(app, wa_user, Role.PARENT)  # never wrote to us: no window at all
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    stats = await make_sender(app, whatsapp_courier(app, whatsapp[0])).drain()
    assert (stats.sent, stats.failed) == (0, 1)
    assert twilio.requests == []  # refused before it reached Twilio
    [row] = await rows(db)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "outside the 24-hour window: no template for 'test_reminder' in 'en'"


@pytest.mark.parametrize(
    ("status", "code", "outcome", "error"),
    [
        (429, 20429, "sent", None),
        (500, 20500, "sent", None),
        (400, 63018, "failed", "twilio 63018: the sender's messaging tier limit is reached"),
        (400, 63016, "failed", "twilio 63016: outside the 24-hour window and no template"),
    ],
)
async def test_twilio_errors_retry_or_fail_with_reason(
    app: App,
    wa_user: WhatsAppUser,
    whatsapp: Transport,
    twilio: TwilioStandIn,
    db: Db,
    status: int,
    code: int,
    outcome: str,
    error: str | None,
) -> None:
    await registered(app, wa_user, Role.PARENT)
    await set_last_inbound(app, wa_user, timedelta(minutes=5))
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    twilio.fail_next(status, code)
    sender = make_sender(app, whatsapp_courier(app, whatsapp[0]))
    await sender.drain()
    [row] = await rows(db)
    assert row.status == outcome
    assert len(twilio.messages(wa_user.address)) == (1 if outcome == "sent" else 0)
    if error is not None:
        assert row.last_error == error


async def test_out_of_order_status_callbacks_end_on_the_latest_status(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn, db: Db
) -> None:
    await registered(app, wa_user, Role.PARENT)
    await set_last_inbound(app, wa_user, timedelta(minutes=5))
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    await make_sender(app, whatsapp_courier(app, whatsapp[0])).drain()
    [sent] = twilio.messages(wa_user.address)
    url = whatsapp[1] + STATUS_PATH
    signed_for = PUBLIC_URL + STATUS_PATH
    for status in ("read", "sent", "delivered", "queued"):
        answer = await post_status(twilio, url, signed_for, sent.sid, status)
        assert answer == 204
    [row] = await rows(db)
    assert row.delivery_status == "read"
    async with app.session_factory() as session:
        assert await delivery_counts(session, KIND) == {"read": 1}  # what broadcast stats read
    assert await post_status(twilio, url, signed_for, sent.sid, "read", signature="x") == 403
    assert await post_status(twilio, url, signed_for, "SMunknown", "delivered") == 204


async def post_status(
    twilio: TwilioStandIn,
    url: str,
    signed_for: str,
    sid: str,
    status: str,
    *,
    error_code: str | None = None,
    signature: str | None = None,
) -> int:
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": twilio.account_sid}
    if error_code:
        form["ErrorCode"] = error_code
    headers = {SIGNATURE_HEADER: signature or twilio.signature(signed_for, form)}
    async with aiohttp.ClientSession() as http, http.post(url, data=form, headers=headers) as r:
        return r.status


# One person on both channels.


async def link_accounts(app: App, tg_user: TelegramUser, wa_user: WhatsAppUser) -> int:
    """Registered on Telegram, then /link there and the code typed on WhatsApp."""
    person_id = await registered(app, tg_user, Role.PARENT)
    await tg_user.send("/link")
    code = tg_user.last_text.split("/link ")[1].split()[0]
    await wa_user.send(f"/link {code}")
    return person_id


async def link_preferring_whatsapp(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, senders: Senders
) -> None:
    """Linked, WhatsApp preferred, and the Telegram account told about the link."""
    await link_accounts(app, tg_user, wa_user)
    await wa_user.press("WhatsApp")
    assert (await senders.telegram.drain()).sent == 1
    assert tg_user.last_text == (
        "Your Qamqor account was just linked to WhatsApp (Дана). "
        "If this was not you, tell the administration at once."
    )


async def test_linking_joins_the_whatsapp_number_to_the_telegram_person(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, db: Db
) -> None:
    person_id = await link_accounts(app, tg_user, wa_user)
    assert wa_user.texts()[-2] == "Linked! Дана, you can now use Qamqor here too."
    assert wa_user.buttons() == ["Telegram", "WhatsApp"]
    identities = await db.all(select(ChannelIdentity).where(ChannelIdentity.person_id == person_id))
    assert sorted(i.channel for i in identities) == ["telegram", "whatsapp"]
    await wa_user.press("WhatsApp")
    assert wa_user.last_text == "Done: notifications will come to WhatsApp."
    assert await db.scalar(select(Person.preferred_channel)) == "whatsapp"
    await wa_user.send("/help")  # the person's roles and language came along
    assert "Parent" in wa_user.last_text
    # The code was used up.
    other = WhatsAppUser(
        wa_user.twilio, wa_user.local_url, PUBLIC_URL, app.session_factory, 77000000001, "X"
    )
    await other.send(f"/link {tg_user.last_text.split('/link ')[1].split()[0]}")
    invalid = "This code is not valid. Check it, or send /link in your other messenger."
    assert other.last_text == app.i18n.gettext(invalid, locale="kk")


async def test_link_code_typed_on_the_same_channel_or_by_someone_registered_is_refused(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, db: Db
) -> None:
    await registered(app, tg_user, Role.PARENT)
    await registered(app, wa_user, Role.VOLUNTEER)
    await tg_user.send("/link")
    code = tg_user.last_text.split("/link ")[1].split()[0]
    await tg_user.send(f"/link {code}")
    assert tg_user.last_text == "Type this code in your other messenger, not here."
    await wa_user.send(f"/link {code}")
    assert wa_user.last_text.startswith("This account is already registered as someone else.")
    assert await db.count(ChannelIdentity) == 2


async def test_linked_person_is_notified_once_on_the_preferred_channel(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, senders: Senders, db: Db
) -> None:
    await link_preferring_whatsapp(app, tg_user, wa_user, senders)
    before_tg = len(tg_user.texts())
    before_wa = len(wa_user.messages())
    telegram_identity = await identity(app, "telegram", tg_user.external_id)
    # Any of the person's identities will do: delivery picks the preferred one.
    assert await queue_reminder(app, telegram_identity)
    assert not await queue_reminder(app, telegram_identity)  # a second tick: same key
    for sender in senders:
        await sender.drain()
    assert wa_user.twilio.bodies(wa_user.address)[before_wa:] == ["Lesson at 15:00"]
    assert len(tg_user.texts()) == before_tg
    for sender in senders:
        assert (await sender.drain()).sent == 0


async def test_refused_whatsapp_notification_falls_back_to_telegram_once(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, senders: Senders, db: Db
) -> None:
    await link_preferring_whatsapp(app, tg_user, wa_user, senders)
    await set_last_inbound(app, wa_user, timedelta(hours=30))  # the window has closed
    await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id))
    assert (await senders.whatsapp.drain()).failed == 1  # no template for this kind
    assert (await senders.telegram.drain()).sent == 1
    assert tg_user.last_text == "Lesson at 15:00"
    for sender in senders:
        assert (await sender.drain()).sent == 0
    statuses = [(r.status, r.dedup_key) for r in await rows(db)]
    assert statuses == [("failed", "r1"), ("sent", "r1~fallback")]


async def test_undelivered_status_callback_falls_back_to_the_other_channel(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, senders: Senders, db: Db
) -> None:
    await link_preferring_whatsapp(app, tg_user, wa_user, senders)
    await queue_reminder(app, await identity(app, "telegram", tg_user.external_id))
    await senders.whatsapp.drain()
    sent = wa_user.messages()[-1]
    url, signed_for = wa_user.local_url + STATUS_PATH, PUBLIC_URL + STATUS_PATH
    for _ in range(2):  # a repeated callback must not queue the fallback twice
        await post_status(
            wa_user.twilio, url, signed_for, sent.sid, "undelivered", error_code="63016"
        )
    assert (await senders.telegram.drain()).sent == 1
    assert tg_user.last_text == "Lesson at 15:00"
    first = (await rows(db))[0]
    assert (first.delivery_status, first.delivery_error) == ("failed", "63016")
    assert len(await rows(db)) == 2


async def test_opted_out_number_is_blocked_and_its_queued_messages_go_to_telegram(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, senders: Senders, db: Db
) -> None:
    await link_preferring_whatsapp(app, tg_user, wa_user, senders)
    for key in ("r1", "r2"):
        await queue_reminder(app, await identity(app, "whatsapp", wa_user.external_id), key)
    wa_user.twilio.fail_next(400, 21610)  # the number opted out
    assert (await senders.whatsapp.drain()).blocked == 1
    assert (await senders.telegram.drain()).sent == 2
    assert tg_user.texts()[-2:] == ["Lesson at 15:00", "Lesson at 15:00"]
    blocked = await db.scalar(
        select(ChannelIdentity.blocked).where(ChannelIdentity.channel == "whatsapp")
    )
    assert blocked is True
    statuses = sorted((r.dedup_key, r.status) for r in await rows(db))
    assert statuses == [
        ("r1", "blocked"),
        ("r1~fallback", "sent"),
        ("r2", "blocked"),
        ("r2~fallback", "sent"),
    ]


async def test_buttons_removed_by_an_edit_send_nothing_and_close_the_options(
    app: App, wa_user: WhatsAppUser, whatsapp: Transport, db: Db
) -> None:
    bot = whatsapp[0].channel.bot
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]]
    )
    sent = await bot.send_message(wa_user.id, "Pick one", reply_markup=markup)
    assert wa_user.buttons() == ["OK"]
    await bot.edit_message_reply_markup(chat_id=wa_user.id, message_id=sent.message_id)
    assert wa_user.bodies() == ["Pick one\n\n1. OK"]  # no empty message went to Twilio
    assert await db.scalar(select(WhatsAppChat.choices)) is None


async def test_wrong_link_codes_stop_after_five_tries(
    app: App, tg_user: TelegramUser, wa_user: WhatsAppUser, db: Db
) -> None:
    await registered(app, tg_user, Role.PARENT)
    await tg_user.send("/link")
    code = tg_user.last_text.split("/link ")[1].split()[0]
    assert len(code) == 8 and code.isdigit()
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        await wa_user.send(f"/link {wrong}")
    await wa_user.send(f"/link {code}")  # even the right one, now
    too_many = "Too many wrong codes. Please wait a quarter of an hour and try again."
    assert wa_user.last_text == app.i18n.gettext(too_many, locale="kk")
    assert await db.count(ChannelIdentity) == 1


async def test_forget_takes_back_documents_whose_links_have_not_expired(
    app: App, wa_user: WhatsAppUser, twilio: TwilioStandIn
) -> None:
    await registered(app, wa_user, Role.VOLUNTEER)
    await wa_user.send("/mydata")
    [url] = twilio.messages(wa_user.address)[-1].media_urls
    assert (await wa_user.fetch_media(url))[0] == 200
    await wa_user.send("/forget")
    await wa_user.press("Yes")
    assert (await wa_user.fetch_media(url))[0] == 404


async def test_link_without_a_code_tells_a_newcomer_what_to_do(
    app: App, wa_user: WhatsAppUser, db: Db
) -> None:
    await wa_user.send("/link")
    guidance = (
        "To use Qamqor here, send /start. If you already use it in another messenger, "
        "send /link there and type the code you get here: /link 12345678"
    )
    assert wa_user.last_text == app.i18n.gettext(guidance, locale="kk")
    assert await db.count(Person) == 0


async def test_up_to_three_options_go_as_quick_reply_buttons_where_configured(
    wa_user: WhatsAppUser, whatsapp: Transport, db: Db
) -> None:
    whatsapp[0].channel.quick_replies = QUICK_REPLY_TEMPLATES
    await wa_user.send("/start")
    greeting = wa_user.messages()[-1]
    assert greeting.content_sid == "HXquick3" and not greeting.body
    assert greeting.content_variables["1"].startswith("Сәлеметсіз бе!")
    assert [greeting.content_variables[k] for k in "234"] == ["Қазақша", "Русский", "English"]
    await wa_user.tap("English")
    consent = wa_user.messages()[-1]
    assert consent.content_sid == "HXquick2"
    assert [consent.content_variables[k] for k in "23"] == ["✅ I agree", "✖️ I do not agree"]
    await wa_user.tap("I agree")
    who = wa_user.messages()[-1]  # four roles: more than WhatsApp's three buttons
    assert who.content_sid is None and who.body.startswith("Who are you?\n\n1. ")
    await wa_user.press("Volunteer")
    assert await db.all(select(Person.locale)) == ["en"]


async def test_a_refused_quick_reply_template_falls_back_to_numbered_options(
    wa_user: WhatsAppUser, whatsapp: Transport, twilio: TwilioStandIn
) -> None:
    whatsapp[0].channel.quick_replies = QUICK_REPLY_TEMPLATES
    twilio.fail_next(400, 21655, "The ContentSid is invalid")
    await wa_user.send("/start")
    [greeting] = wa_user.messages()
    assert greeting.content_sid is None and "3. English" in greeting.body
    await wa_user.press("English")
    assert wa_user.messages()[-1].content_sid == "HXquick2"
