"""WhatsApp's pure rules: the window, status order, channel preference, message splitting,
signed media links, error mapping, and typed answers mapped back to buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from twilio.base.exceptions import TwilioRestException

from bot.outbox.couriers import PermanentFailure, RecipientBlocked, RetryAfter, TemporaryFailure
from bot.render.choices import Choices, Option, Press, Say, ShareContact
from bot.render.textui import Rendered
from bot.render.updates import Updates
from bot.whatsapp.address import address_of, chat_id_of
from bot.whatsapp.chats import within_window
from bot.whatsapp.gateway import split_body, translate
from bot.whatsapp.inbound import Inbound, parse_inbound, to_update
from bot.whatsapp.media import MediaLinks
from bot.whatsapp.quick_replies import quick_reply
from bot.whatsapp.transport import TWILIO_STATUSES
from services.messaging.notify import preferred_of
from services.messaging.statuses import DeliveryStatus

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FROM = {"MessageSid": "SM" + "a" * 32, "From": "whatsapp:+77011234567", "Body": "2"}


def test_window_is_24_hours_after_the_last_message() -> None:
    assert within_window(NOW - timedelta(hours=23, minutes=59), NOW)
    assert not within_window(NOW - timedelta(hours=24), NOW)
    assert not within_window(None, NOW)


def test_twilio_statuses_map_to_ours() -> None:
    assert TWILIO_STATUSES["undelivered"] is DeliveryStatus.FAILED
    assert TWILIO_STATUSES["sending"] is DeliveryStatus.QUEUED
    assert set(TWILIO_STATUSES.values()) == set(DeliveryStatus)


def test_preferred_channel_is_the_chosen_one_while_linked_else_the_first() -> None:
    linked = [("whatsapp", NOW), ("telegram", NOW - timedelta(days=1))]
    assert preferred_of(linked, "whatsapp") == "whatsapp"
    assert preferred_of(linked, None) == "telegram"
    assert preferred_of([("whatsapp", NOW)], "telegram") == "whatsapp"


def test_long_bodies_split_at_line_ends_within_twilios_limit() -> None:
    text = "\n".join(f"line {n:04d} " + "x" * 40 for n in range(100))
    parts = split_body(text)
    assert all(len(part) <= 1600 for part in parts) and len(parts) == 4
    assert "\n".join(parts) == text
    assert split_body("short") == ["short"]
    assert split_body("y" * 3200) == ["y" * 1600, "y" * 1600]


def test_media_links_are_signed_and_expire() -> None:
    links = MediaLinks("https://qamqor.example/", "auth-token")
    url = links.url("tok", "my data.json", NOW + timedelta(minutes=15))
    assert url.startswith("https://qamqor.example/media/tok/my%20data.json?expires=")
    expires = url.split("expires=")[1].split("&")[0]
    signature = url.split("signature=")[1]
    assert links.verify("tok", expires, signature, NOW)
    assert not links.verify("tok", expires, signature, NOW + timedelta(minutes=16))
    assert not links.verify("other", expires, signature, NOW)
    assert not links.verify("tok", str(int(expires) + 60), signature, NOW)
    assert not MediaLinks("https://qamqor.example", "other").verify("tok", expires, signature, NOW)


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (429, 20429, RetryAfter),
        (400, 63016, PermanentFailure),
        (400, 63018, PermanentFailure),
        (400, 21610, RecipientBlocked),
        (503, 20503, TemporaryFailure),
        (400, 21211, PermanentFailure),
    ],
)
def test_twilio_errors_map_to_what_the_sender_does(status: int, code: int, kind: type) -> None:
    error = translate(TwilioRestException(status, "/Messages.json", "nope", code))
    assert isinstance(error, kind)
    assert str(error).startswith(f"twilio {code}: ")


def test_addresses_round_trip_and_refuse_other_channels() -> None:
    assert chat_id_of("whatsapp:+77011234567") == 77011234567
    assert address_of(77011234567) == "whatsapp:+77011234567"
    for bad in ("+77011234567", "whatsapp:+7701abc", "whatsapp:+12", "messenger:+77011234567"):
        with pytest.raises(ValueError):
            chat_id_of(bad)


def test_incoming_message_needs_a_sid_and_a_whatsapp_sender() -> None:
    assert parse_inbound(FROM) == Inbound("SM" + "a" * 32, 77011234567, "+77011234567", "2")
    with pytest.raises(ValueError):
        parse_inbound({**FROM, "MessageSid": ""})
    with pytest.raises(ValueError):
        parse_inbound({**FROM, "From": "+77011234567"})


CHOICES = Choices(
    (
        Option(1, "Қазақша", Press("lang:kk")),
        Option(2, "Share my number", ShareContact()),
        Option(3, "Yes", Say("Yes")),
    ),
    "reply",
    message_id=41,
    one_time=True,
)


def answer(text: str, choices: Choices | None = CHOICES) -> tuple[dict[str, object], object]:
    inbound = parse_inbound({**FROM, "Body": text, "ProfileName": "Дана"})
    return to_update(inbound, choices, Updates(7), message_id=8)


def test_a_picked_inline_option_becomes_a_callback_query_from_that_number() -> None:
    update, after = answer("1")
    query = update["callback_query"]
    assert isinstance(query, dict)
    assert query["data"] == "lang:kk" and query["message"]["message_id"] == 41
    assert query["id"].startswith("77011234567:")
    assert after == CHOICES  # an inline keyboard stays until the bot replaces it


def test_share_contact_is_answered_with_the_senders_own_number() -> None:
    update, after = answer("2")
    message = update["message"]
    assert isinstance(message, dict)
    assert message["contact"] == {
        "phone_number": "+77011234567",
        "first_name": "Дана",
        "user_id": 77011234567,
    }
    assert after is None  # a one-time keyboard closes once used


def test_typed_text_and_commands_pass_through_as_messages() -> None:
    update, after = answer("yes")
    assert update["message"]["text"] == "Yes"  # type: ignore[index]
    update, after = answer("/help", None)
    message = update["message"]
    assert isinstance(message, dict)
    assert message["text"] == "/help" and message["entities"][0]["type"] == "bot_command"
    assert "language_code" not in message["from"]
    assert after is None


def rendered_with(labels: list[str], keyboard_extra: str = "", body: str = "Pick") -> Rendered:
    options = tuple(Option(n, label, Press(str(n))) for n, label in enumerate(labels, start=1))
    keyboard = "\n".join(f"{o.number}. {o.label}" for o in options) + keyboard_extra
    return Rendered(body, 1, Choices(options, "inline"), body=body, keyboard=keyboard)


def test_quick_replies_only_for_up_to_three_short_options_with_a_template() -> None:
    templates = {"1": "HX1", "2": "HX2", "3": "HX3"}
    assert quick_reply(rendered_with(["Yes", "No"]), templates) == (
        "HX2",
        {"1": "Pick", "2": "Yes", "3": "No"},
    )
    assert quick_reply(rendered_with(["a", "b", "c", "d"]), templates) is None
    assert quick_reply(rendered_with(["x" * 21]), templates) is None
    assert quick_reply(rendered_with(["Yes"], "\n🔗 Site (https://e.kz)"), templates) is None
    assert quick_reply(rendered_with(["Yes"], body="y" * 1025), templates) is None
    assert quick_reply(rendered_with(["Yes", "No"]), {"3": "HX3"}) is None
    assert quick_reply(rendered_with(["Yes"]), {}) is None


def test_a_tapped_button_picks_its_option_by_id() -> None:
    form = {**FROM, "Body": "Yes", "ButtonText": "Yes", "ButtonPayload": "3"}
    assert parse_inbound(form).text == "3"
    assert parse_inbound({**form, "ButtonPayload": "promo-42"}).text == "Yes"
