"""A Bot API without Telegram behind it: calls are shown somewhere else and answered plausibly.

The console simulator shows them on a terminal, WhatsApp sends them through Twilio; both need
aiogram to get back the Message, True or User it expects, so handlers run unchanged.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, cast, get_args, get_origin

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, Message, MessageId, User
from pydantic import TypeAdapter

Answer = Callable[[Bot, TelegramMethod[Any]], Awaitable[Any]]


class ScreenSession(BaseSession):
    """Each call goes to `answer`, which shows it and returns the raw result."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        raw = await self.answer(bot, method)
        returning = TypeAdapter(method.__returning__)
        return cast(TelegramType, returning.validate_python(raw, context={"bot": bot}))

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise RuntimeError("there are no files to download here")
        yield b""  # pragma: no cover - makes this an async generator

    async def close(self) -> None:
        return None


class CallResults:
    """Plausible Bot API results: messages get fresh ids, the bot is `bot_user`."""

    def __init__(self, bot_user: dict[str, Any], first_message_id: int | None = None) -> None:
        self.bot_user = bot_user
        # Unique across runs by default: ids end up in stored options and conversations.
        start = first_message_id if first_message_id is not None else int(time.time() * 1000)
        self.message_ids = itertools.count(start)

    def result(self, method: TelegramMethod[Any]) -> tuple[Any, int | None]:
        """The raw result of the call, and the id of the message it made or edited."""
        returning = method.__returning__
        if get_origin(returning) is list:
            return [], None
        kinds = set(get_args(returning)) or {returning}
        chat_id = getattr(method, "chat_id", None)
        if Message in kinds and chat_id is not None:
            edit = method.__api_method__.startswith("edit")
            message_id = getattr(method, "message_id", 0) if edit else next(self.message_ids)
            return self.message(method, as_int(chat_id), message_id), message_id
        if bool in kinds:
            return True, None
        if User in kinds:
            return self.bot_user, None
        if MessageId in kinds:
            return {"message_id": next(self.message_ids)}, None
        for kind, value in ((str, ""), (int, 0)):
            if kind in kinds:
                return value, None
        raise TelegramBadRequest(method, "not available on this channel")

    def message(self, method: TelegramMethod[Any], chat_id: int, message_id: int) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self.bot_user,
        }
        for name in ("text", "caption"):
            if isinstance(value := getattr(method, name, None), str):
                message[name] = value
        if isinstance(method, SendDocument) and isinstance(method.document, BufferedInputFile):
            message["document"] = {
                "file_id": f"local-{message_id}",
                "file_unique_id": f"local-{message_id}",
                "file_name": method.document.filename,
                "file_size": len(method.document.data),
            }
        return message


def as_int(chat_id: int | str) -> int:
    try:
        return int(chat_id)
    except ValueError:
        return 0
