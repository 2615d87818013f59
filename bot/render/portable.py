"""The portable conversation subset: what a flow may send so that it reads and works the same on
Telegram, on WhatsApp (numbered options or quick replies) and in the console simulator.

- text messages and answers to buttons; documents and photos;
- reading a file the person sent (getFile; on Telegram only: a flow that takes files says on
  WhatsApp, which does not receive them yet, to send it on Telegram);
- at most `MAX_OPTIONS` options per message (a longer list pages with a "more" option);
- inline buttons that carry callback data, or open a link; reply keyboards of plain texts or
  "share my number";
- no state carried by editing a message in place: an edit may change text or remove buttons,
  but new buttons come in a new message, because WhatsApp cannot edit what it has sent.

`problems(method)` says what in one Bot API call falls outside it; tests run it on every call
the bot makes in the conversation tests.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers.common.keyboards import MAX_OPTIONS

PORTABLE_METHODS = (
    SendMessage,
    SendDocument,
    SendPhoto,
    AnswerCallbackQuery,
    EditMessageText,
    EditMessageCaption,
    EditMessageReplyMarkup,
    DeleteMessage,
    SetMyCommands,
    DeleteMyCommands,
    GetMe,
    GetFile,
)
EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup)


def problems(method: TelegramMethod[Any]) -> list[str]:
    """What in this call WhatsApp or the console could not show or answer the same way."""
    if not isinstance(method, PORTABLE_METHODS):
        return [f"{type(method).__name__} is not in the portable subset"]
    markup = getattr(method, "reply_markup", None)
    found: list[str] = []
    if isinstance(method, EDITS) and _has_buttons(markup):
        found.append("an edit brings new buttons: send them in a new message")
    if isinstance(markup, InlineKeyboardMarkup):
        found += _inline_problems([b for row in markup.inline_keyboard for b in row])
    elif isinstance(markup, ReplyKeyboardMarkup):
        found += _reply_problems([b for row in markup.keyboard for b in row])
    elif markup is not None and not isinstance(markup, ReplyKeyboardRemove):
        found.append(f"{type(markup).__name__} is not in the portable subset")
    return found


def _has_buttons(markup: object) -> bool:
    return isinstance(markup, InlineKeyboardMarkup) and any(markup.inline_keyboard)


def _inline_problems(buttons: list[InlineKeyboardButton]) -> list[str]:
    found = []
    options = [b for b in buttons if b.callback_data is not None]
    if len(options) > MAX_OPTIONS:
        found.append(f"{len(options)} options: at most {MAX_OPTIONS}, page the rest")
    for button in buttons:
        if button.callback_data is None and button.url is None:
            found.append(f"button {button.text!r} is neither an option nor a link")
    return found


def _reply_problems(buttons: list[KeyboardButton | str]) -> list[str]:
    found = []
    if len(buttons) > MAX_OPTIONS:
        found.append(f"{len(buttons)} options: at most {MAX_OPTIONS}, page the rest")
    for button in buttons:
        if isinstance(button, str):
            continue
        asks = (
            button.request_location,
            button.request_poll,
            button.request_users,
            button.request_chat,
            button.web_app,
        )
        if any(asks):
            found.append(f"button {button.text!r} asks for what only Telegram can give")
    return found
