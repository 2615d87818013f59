"""Tests for the local Telegram Bot API stand-in, driven through a real aiogram Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiohttp import ClientResponseError

from tests.standins.telegram_api import TelegramStandIn


@pytest.fixture
async def standin() -> AsyncIterator[TelegramStandIn]:
    async with TelegramStandIn() as server:
        yield server


@pytest.fixture
async def bot(standin: TelegramStandIn) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(standin.base_url))
    bot = Bot("42:TEST", session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_base_url_and_get_me(standin: TelegramStandIn, bot: Bot) -> None:
    assert standin.base_url.startswith("http://127.0.0.1:")
    assert not standin.base_url.endswith(":0")
    me = await bot.get_me()
    assert me.id == 7000000001
    assert me.is_bot
    assert me.username == "qamqor_test_bot"
    assert me.first_name == "Qamqor"
    [call] = standin.calls("getMe")
    assert call.token == "42:TEST"
    assert call.method == "getme"


async def test_send_message_with_inline_keyboard(standin: TelegramStandIn, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Ashu", callback_data="open:1")]]
    )
    message = await bot.send_message(12345, "Сәлем!", reply_markup=markup)

    assert isinstance(message, Message)
    assert message.chat.id == 12345
    assert message.chat.type == "private"
    assert message.text == "Сәлем!"
    assert message.from_user is not None and message.from_user.id == standin.bot_id
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].callback_data == "open:1"

    [call] = standin.calls("sendMessage", chat_id=12345)
    assert call.status == 200
    assert call.params["chat_id"] == 12345
    assert call.params["text"] == "Сәлем!"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ashu", "callback_data": "open:1"}]]
    }
    assert standin.sent_texts(12345) == ["Сәлем!"]


async def test_message_ids_increment_and_group_chat(standin: TelegramStandIn, bot: Bot) -> None:
    first = await bot.send_message(-100500, "a")
    second = await bot.send_message(-100500, "b")
    assert second.message_id == first.message_id + 1
    assert first.chat.type == "group"
    copied = await bot.copy_message(1, from_chat_id=-100500, message_id=first.message_id)
    assert copied.message_id == second.message_id + 1


async def test_fail_next_429_raises_retry_after(standin: TelegramStandIn, bot: Bot) -> None:
    standin.fail_next(method="sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as exc_info:
        await bot.send_message(1, "hi")
    assert exc_info.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in str(exc_info.value)
    assert standin.too_many_requests == 1

    # Only the next request fails; the failed one is recorded but not a successful call.
    await bot.send_message(1, "hi again")
    assert [r.status for r in standin.requests] == [429, 200]
    assert standin.sent_texts() == ["hi again"]


async def test_fail_next_403_raises_forbidden(standin: TelegramStandIn, bot: Bot) -> None:
    standin.fail_next(chat_id=99, status=403)
    await bot.send_message(98, "other chat is unaffected")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(99, "blocked")
    assert standin.calls(chat_id=99) == []


async def test_fail_next_500_and_times(standin: TelegramStandIn, bot: Bot) -> None:
    standin.fail_next(method="sendmessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1, "x")
    await bot.send_message(1, "x")
    assert [r.status for r in standin.requests] == [500, 500, 200]


async def test_fail_next_400_custom_description(standin: TelegramStandIn, bot: Bot) -> None:
    standin.fail_next(status=400, description="Bad Request: message is not modified")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="same", chat_id=1, message_id=5)


async def test_send_document_records_file(standin: TelegramStandIn, bot: Bot) -> None:
    payload = b"%PDF-1.4 fake\x00\xff"
    message = await bot.send_document(
        777, BufferedInputFile(payload, filename="report.pdf"), caption="Есеп"
    )
    assert message.document is not None
    assert message.document.file_name == "report.pdf"
    assert message.caption == "Есеп"

    [call] = standin.calls("senddocument", chat_id=777)
    assert list(call.files.values()) == [("report.pdf", payload)]
    assert call.attachment("document") == ("report.pdf", payload)
    assert call.params["document"].startswith("attach://")
    assert standin.sent_texts() == ["Есеп"]


async def test_edit_and_misc_methods(standin: TelegramStandIn, bot: Bot) -> None:
    sent = await bot.send_message(5, "v1")
    edited = await bot.edit_message_text(text="v2", chat_id=5, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.message_id == sent.message_id
    assert edited.text == "v2"
    assert await bot.edit_message_text(text="inline", inline_message_id="abc") is True
    assert await bot.answer_callback_query("cb1") is True
    assert await bot.delete_message(5, sent.message_id) is True
    assert await bot.send_chat_action(5, "typing") is True
    assert await bot.delete_webhook() is True
    info = await bot.get_webhook_info()
    assert info.url == ""
    assert standin.sent_texts() == ["v1", "v2", "inline"]


async def test_global_rate_limit(standin: TelegramStandIn, bot: Bot) -> None:
    standin.set_rate_limit(per_second=3, retry_after=2)
    outcomes: list[int | None] = []
    for i in range(5):
        try:
            await bot.send_message(i + 1, "burst")
            outcomes.append(None)
        except TelegramRetryAfter as e:
            outcomes.append(e.retry_after)
    assert outcomes == [None, None, None, 2, 2]
    assert standin.too_many_requests == 2
    assert len(standin.calls("sendMessage")) == 3
    # Non-send methods are not limited.
    await bot.get_me()

    standin.set_rate_limit(per_second=None)
    await bot.send_message(1, "unlimited")


async def test_per_chat_rate_limit(standin: TelegramStandIn, bot: Bot) -> None:
    standin.set_rate_limit(per_second=None, per_chat_per_second=5)  # >= 200 ms apart per chat
    await bot.send_message(1, "a")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "b")
    await bot.send_message(2, "other chat")  # different chat is fine
    await asyncio.sleep(0.25)
    await bot.send_message(1, "c")
    assert standin.sent_texts(1) == ["a", "c"]
    assert standin.too_many_requests == 1


async def test_get_updates_and_offset(standin: TelegramStandIn, bot: Bot) -> None:
    for i in range(3):
        standin.push_update(
            {
                "message": {
                    "message_id": i + 1,
                    "date": int(time.time()),
                    "chat": {"id": 10, "type": "private"},
                    "from": {"id": 10, "is_bot": False, "first_name": "Aida"},
                    "text": f"msg {i}",
                }
            }
        )
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [1, 2, 3]
    assert updates[0].message is not None and updates[0].message.text == "msg 0"

    updates = await bot.get_updates(offset=3, timeout=0)
    assert [u.update_id for u in updates] == [3]
    # Confirmed updates are gone for good.
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [3]
    assert await bot.get_updates(offset=4, timeout=0) == []


async def test_get_updates_long_poll_wakes_on_push(standin: TelegramStandIn, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    standin.push_update({"update_id": 50, "callback_query": _callback_query()})
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [50]
    assert time.monotonic() - started < 2
    standin.push_update({"callback_query": _callback_query()})
    assert [u.update_id for u in await bot.get_updates(offset=51, timeout=0)] == [51]


async def test_get_updates_honours_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3


async def test_close_ends_pending_long_poll() -> None:
    standin = TelegramStandIn()
    url = await standin.start()
    bot = Bot("42:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await standin.close()
        assert await asyncio.wait_for(poll, 3) == []
        assert time.monotonic() - started < 3
    finally:
        await bot.session.close()


async def test_set_my_commands_records_decoded(standin: TelegramStandIn, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Бастау"),
        BotCommand(command="help", description="Көмек"),
    ]
    assert await bot.set_my_commands(
        commands, scope=BotCommandScopeAllPrivateChats(), language_code="kk"
    )
    [call] = standin.calls("setMyCommands")
    assert call.params["commands"] == [
        {"command": "start", "description": "Бастау"},
        {"command": "help", "description": "Көмек"},
    ]
    assert call.params["scope"] == {"type": "all_private_chats"}
    assert call.params["language_code"] == "kk"


async def test_wait_for_and_clear(standin: TelegramStandIn, bot: Bot) -> None:
    waiter = asyncio.create_task(standin.wait_for("sendMessage", count=2, chat_id=3))
    await bot.send_message(3, "one")
    await asyncio.sleep(0)
    assert not waiter.done()
    await bot.send_message(3, "two")
    async with asyncio.timeout(2):
        found = await waiter
    assert [r.params["text"] for r in found] == ["one", "two"]

    standin.clear()
    assert standin.requests == []
    assert standin.calls() == []


def _callback_query() -> dict[str, object]:
    return {
        "id": "cq",
        "from": {"id": 10, "is_bot": False, "first_name": "Aida"},
        "chat_instance": "ci",
        "data": "open:1",
    }


async def test_a_file_a_user_sent_is_served_by_get_file_and_download(
    bot: Bot, standin: TelegramStandIn
) -> None:
    document = standin.store_file(b"region,name,kind\n", "institutions.csv")

    found = await bot.get_file(document["file_id"])
    assert found.file_size == len(b"region,name,kind\n")
    assert found.file_path is not None
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None and downloaded.read() == b"region,name,kind\n"

    with pytest.raises(ClientResponseError):  # a file nobody sent is not there
        await bot.download_file("FILE999")
