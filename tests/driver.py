"""A person in a chat: types text, presses buttons, reads what the bot sent through the stand-in."""

from __future__ import annotations

import itertools
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.render.updates import Sender, Updates
from services.channels import Channel
from services.locales import guess_locale
from tests.standins.telegram_api import RecordedRequest, TelegramStandIn

# One sequence for every test user: the dedup table drops an update id seen before.
UPDATES = Updates(1)


class TelegramUser:
    channel = Channel.TELEGRAM

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        standin: TelegramStandIn,
        user_id: int,
        first_name: str,
        language_code: str | None,
    ) -> None:
        self.dp, self.bot, self.standin = dp, bot, standin
        self.id, self.first_name, self.language_code = user_id, first_name, language_code
        self.sender = Sender(user_id, first_name, language_code=language_code)
        self._message_ids = itertools.count(1)
        self.newcomer_locale = guess_locale(language_code)

    @property
    def external_id(self) -> str:
        return str(self.id)

    @property
    def user(self) -> dict[str, Any]:
        return self.sender.user()

    def message_update(self, text: str, update_id: int | None = None) -> dict[str, Any]:
        return UPDATES.message(self.sender, next(self._message_ids), update_id=update_id, text=text)

    async def feed(self, raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": self.bot})
        await self.dp.feed_update(self.bot, update)

    async def send(self, text: str) -> None:
        await self.feed(self.message_update(text))

    async def send_document(self, file_name: str, content: bytes) -> None:
        """Sends a file, as Telegram's attachment button does: the stand-in keeps it."""
        document = self.standin.store_file(content, file_name)
        await self.feed(UPDATES.message(self.sender, next(self._message_ids), document=document))

    async def press(self, label: str) -> None:
        """Press the button whose text contains `label` on the latest keyboard sent to me."""
        request = self.last_keyboard()
        for row in request.params["reply_markup"]["inline_keyboard"]:
            for button in row:
                if label in button["text"]:
                    await self.press_data(button["callback_data"])
                    return
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    async def press_data(self, data: str) -> None:
        await self.feed(UPDATES.callback(self.sender, data, 1))

    def requests(self, method: str | None = None) -> list[RecordedRequest]:
        return self.standin.calls(method, chat_id=self.id)

    def texts(self) -> list[str]:
        return self.standin.sent_texts(self.id)

    @property
    def last_text(self) -> str:
        texts = self.texts()
        assert texts, "the bot sent me nothing"
        return texts[-1]

    def last_keyboard(self) -> RecordedRequest:
        for request in reversed(self.requests()):
            markup = request.params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                return request
        raise AssertionError("the bot sent me no keyboard")

    def buttons(self) -> list[str]:
        markup = self.last_keyboard().params["reply_markup"]
        return [button["text"] for row in markup["inline_keyboard"] for button in row]

    def menu(self) -> list[str]:
        """The commands last published for my chat with setMyCommands (scope chat)."""
        published = [
            r
            for r in self.standin.calls("setMyCommands")
            if r.params.get("scope", {}).get("chat_id") == self.id
        ]
        assert published, "no command menu was published for my chat"
        return [c["command"] for c in published[-1].params["commands"]]

    def alerts(self) -> list[str]:
        return [
            str(r.params.get("text", ""))
            for r in self.standin.calls("answerCallbackQuery")
            if r.params.get("text")
        ]

    async def document(self) -> tuple[str, bytes, str]:
        """The last document sent to me: file name, content, caption."""
        request = self.requests("sendDocument")[-1]
        attached = request.attachment("document")
        assert attached is not None
        return attached[0], attached[1], str(request.params.get("caption", ""))
