"""Unusual but valid input: each gets a clear answer or a clean 400, never a traceback or a 500."""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.app import App
from bot.telegram.webhook import SECRET_HEADER, TELEGRAM_PATH
from handlers.onboarding.callbacks import LanguageCb
from services.roles import Role
from storage.models.invites import Invite
from storage.models.people import Person
from tests.builders import registered
from tests.conftest import WEBHOOK_SECRET, Db, MakeUser
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn

SOMETHING_WRONG = "Something went wrong"
# Update ids of our own: the driver's start at 1 and a repeated id is dropped as a redelivery.
_update_ids = itertools.count(900_000_000)


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What went to the error log: handlers/errors.py logs "update N failed" there."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def user(app: App, bot: Bot, standin: TelegramStandIn) -> TelegramUser:
    return TelegramUser(app.dispatcher, bot, standin, 4321, "Асель", "en")


def tap(user: TelegramUser, data: str, where: str) -> dict[str, Any]:
    """A button press whose message the bot can no longer see, or on an inline message."""
    query: dict[str, Any] = {
        "id": str(next(_update_ids)),
        "from": user.user,
        "chat_instance": "ci",
        "data": data,
    }
    if where == "inaccessible_message":  # older than 48 hours, or deleted: date is 0
        query["message"] = {"message_id": 1, "date": 0, "chat": {"id": user.id, "type": "private"}}
    else:
        query["inline_message_id"] = "AgAAAKjnAQDwB2h8"
    return {"update_id": next(_update_ids), "callback_query": query}


@pytest.mark.parametrize(
    ("step", "where"),
    [
        ("start_language", "inaccessible_message"),
        ("start_language", "inline_message"),
        ("language_command", "inline_message"),
    ],
)
async def test_button_on_a_message_the_bot_cannot_see_is_answered(
    user: TelegramUser, caplog: pytest.LogCaptureFixture, step: str, where: str
) -> None:
    """Defect: handlers/start.py asserts the callback's message is a Message and
    handlers/language.py asserts it is not None: an InaccessibleMessage (date 0) or an inline
    message's callback crashes the handler ("Something went wrong", error logged)."""
    await user.send("/start" if step == "start_language" else "/language")
    before = len(user.texts())
    update = tap(user, LanguageCb(code="en").pack(), where)
    await user.feed(update)
    answered = [
        r
        for r in user.standin.calls("answerCallbackQuery")
        if r.params.get("callback_query_id") == update["callback_query"]["id"]
    ]
    assert answered or len(user.texts()) > before, "the tap was not answered"
    assert not [t for t in user.texts()[before:] if t.startswith(SOMETHING_WRONG)]
    assert failures(caplog) == []


def from_a_channel(text: str) -> dict[str, Any]:
    """A message sent on behalf of a channel into a group: sender_chat, and no `from`."""
    group = {"id": -1001234567890, "type": "supergroup", "title": "Parents"}
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": 7,
            "date": int(time.time()),
            "chat": group,
            "sender_chat": {"id": -1009876543210, "type": "channel", "title": "News"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


@pytest.mark.parametrize("text", ["/start", "/link 12345678", "/cancel"])
async def test_message_on_behalf_of_a_chat_gets_a_clear_answer(
    user: TelegramUser, standin: TelegramStandIn, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    """Defect: a message with sender_chat and no `from` (no user) crashes handlers that need
    one (no FSM context for /start, an assert in /link); it is logged as an error and, with
    no user to tell, gets no answer at all."""
    update = from_a_channel(text)
    await user.feed(update)
    answers = standin.sent_texts(update["message"]["chat"]["id"])
    assert answers and not answers[-1].startswith(SOMETHING_WRONG), answers
    assert failures(caplog) == []


async def test_forged_scope_id_beyond_64_bits_is_out_of_date(
    app: App, make_user: MakeUser, db: Db, caplog: pytest.LogCaptureFixture
) -> None:
    """Defect: InviteScopeCb.id is an unbounded int: a forged "inv_scope:club:<huge>" reaches
    the database (OverflowError on SQLite, int32 out of range on PostgreSQL)."""
    admin = make_user()
    await registered(app, admin, Role.ADMIN)
    await registered(app, make_user(), Role.TEACHER)  # makes a club to choose from
    invites = await db.count(Invite)  # the ones the builder made for the two roles
    await admin.send("/invite")
    await admin.press("Teacher")
    await admin.press_data("inv_scope:club:99999999999999999999999")
    assert admin.alerts()[-1] == "This button is out of date."
    assert failures(caplog) == []
    assert await db.count(Invite) == invites


BAD_TEXT = {"nul": "\x00", "lone_surrogate": "\ud800"}


@pytest.mark.parametrize("bad", list(BAD_TEXT))
async def test_first_name_with_nul_or_lone_surrogate_registers(
    app: App,
    bot: Bot,
    standin: TelegramStandIn,
    db: Db,
    caplog: pytest.LogCaptureFixture,
    bad: str,
) -> None:
    """Defect: the Telegram first name goes to Person.full_name as is: PostgreSQL refuses NUL,
    and no database can encode a lone surrogate; registration fails with an error."""
    user = TelegramUser(app.dispatcher, bot, standin, 4322, f"Ас{BAD_TEXT[bad]}ель", "en")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    await user.press("Volunteer")
    assert not [t for t in user.texts() if t.startswith(SOMETHING_WRONG)]
    assert failures(caplog) == []
    assert await db.count(Person) == 1
    assert "Welcome! You are registered as: Volunteer." in user.texts()  # then the application


@pytest.mark.parametrize("bad", list(BAD_TEXT))
@pytest.mark.parametrize("command", ["/start", "/link"])
async def test_command_argument_with_nul_or_lone_surrogate_is_refused_clearly(
    app: App, user: TelegramUser, caplog: pytest.LogCaptureFixture, command: str, bad: str
) -> None:
    """Defect: /start and /link arguments go into SQL as typed: NUL fails on PostgreSQL, a lone
    surrogate on both databases, instead of "this invite / code is not valid"."""
    await registered(app, user, Role.VOLUNTEER)
    await user.send(f"{command} AB{BAD_TEXT[bad]}CD")
    assert not user.last_text.startswith(SOMETHING_WRONG)
    assert "not valid" in user.last_text
    assert failures(caplog) == []


@pytest.fixture
def webhook_url(webhook_base: str) -> str:
    return webhook_base + TELEGRAM_PATH


async def test_webhook_body_nested_too_deep_is_a_400(
    webhook_url: str, standin: TelegramStandIn, db: Db
) -> None:
    """Defect: the webhook parses JSON nested 2,000 deep into a RecursionError, which aiohttp
    answers with a 500 (and Telegram retries) instead of a 400 for a malformed body."""
    body = '{"update_id": 1, "message": ' + "[" * 2000 + "]" * 2000 + "}"
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            webhook_url,
            data=body,
            headers={SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 400
    assert standin.requests == []
    assert await db.scalar(select(Person.id)) is None


def in_a_group(user: TelegramUser, text: str) -> dict[str, Any]:
    """A person's message in a group chat the bot was added to."""
    group = {"id": -1001122334455, "type": "supergroup", "title": "Ата-аналар"}
    message: dict[str, Any] = {
        "message_id": 9,
        "date": int(time.time()),
        "chat": group,
        "from": user.user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": message}


async def test_a_group_chat_gets_no_code_and_no_data(
    app: App, user: TelegramUser, standin: TelegramStandIn, db: Db
) -> None:
    """/link, /mydata, /invite and onboarding in a group: "write to me privately", nothing else:
    no link code, no file, no invite made, no conversation begun."""
    await registered(app, user, Role.ADMIN, locale="en")
    invites = await db.count(Invite)
    group_id = -1001122334455
    for text in ("/link", "/mydata", "/invite", "/start", "/start ABCDEFGH12", "/Help"):
        await user.feed(in_a_group(user, text))
        answers = standin.sent_texts(group_id)
        assert answers[-1] == "I work in private chats: please write to me from your own account."
    await user.feed(in_a_group(user, "Сәлем бәріне!"))  # chatter: no answer at all
    assert len(standin.sent_texts(group_id)) == 6
    assert not standin.calls("sendDocument")
    assert await db.count(Invite) == invites
    assert user.texts() == []  # nothing went to the person's private chat either
