"""Bot API calls as the text a person reads, keyboards as numbered options (console, WhatsApp).

Pure functions and dataclasses, no I/O: `render(method)` gives what the person sees and the
`Choices` they may answer with; `next_choices` keeps the choices that are still open; and
`Choices.pick(typed)` maps "2" or "Русский" back to the button it stands for.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aiogram.client.default import Default
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    SendAnimation,
    SendAudio,
    SendContact,
    SendDice,
    SendDocument,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendPoll,
    SendSticker,
    SendVenue,
    SendVideo,
    SendVideoNote,
    SendVoice,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    URLInputFile,
)

from bot.render.choices import Action, Choices, Option, Press, Say, ShareContact, Style

JSON_PREVIEW_MAX_BYTES = 16_384
JSON_PREVIEW_LINES = 8


@dataclass(frozen=True)
class Rendered:
    """What one Bot API call shows the person, and what it does to the open choices."""

    text: str
    chat_id: int | str | None = None
    choices: Choices | None = None
    is_message: bool = False  # a new message: earlier inline options are no longer the latest
    removes_keyboard: bool = False
    edited_message_id: int | None = None
    # `text` in two parts, for channels that show buttons themselves (WhatsApp quick replies).
    body: str = ""
    keyboard: str = ""


def next_choices(current: Choices | None, rendered: Rendered) -> Choices | None:
    """Numbers always refer to the latest list; a reply keyboard stays until it is removed."""
    if rendered.choices is not None:
        return rendered.choices
    if rendered.removes_keyboard:
        return None
    if current is None:
        return None
    if rendered.edited_message_id is not None:
        # An edit without a keyboard removes that message's buttons.
        same = current.kind == "inline" and current.message_id == rendered.edited_message_id
        return None if same else current
    if rendered.is_message and current.kind == "inline":
        return None
    return current


def render(
    method: TelegramMethod[Any], style: Style = Style.WHATSAPP, *, parse_mode: str | None = None
) -> Rendered | None:
    """The text a person sees for this call, or None for calls nobody sees (getMe, typing...).

    `parse_mode` is the bot's default, used where the call leaves it to the default.
    """
    chat_id = getattr(method, "chat_id", None)
    mode = _parse_mode(getattr(method, "parse_mode", None), parse_mode)
    if isinstance(method, AnswerCallbackQuery):
        if not method.text:
            return None
        return Rendered(("⚠️ " if method.show_alert else "💬 ") + method.text)
    if isinstance(method, SetMyCommands | DeleteMyCommands):
        if style is Style.WHATSAPP:
            return None  # WhatsApp has no command menu
        if isinstance(method, DeleteMyCommands):
            return Rendered("☰ menu reset")
        return Rendered("☰ menu: " + " ".join(f"/{c.command}" for c in method.commands))
    if isinstance(method, DeleteMessage):
        return Rendered(f"🗑 message #{method.message_id} deleted", chat_id)
    if isinstance(method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup):
        return _render_edit(method, style, mode)
    body = _message_body(method, mode)
    if body is None:
        return None
    markup = getattr(method, "reply_markup", None)
    keyboard_text, choices = render_markup(markup, style)
    return Rendered(
        _join(body, keyboard_text, sep="\n\n"),
        chat_id,
        choices,
        is_message=True,
        removes_keyboard=isinstance(markup, ReplyKeyboardRemove),
        body=body,
        keyboard=keyboard_text,
    )


def render_markup(markup: object, style: Style) -> tuple[str, Choices | None]:
    """Numbered lines for the buttons a person can pick, plain lines for the rest."""
    if isinstance(markup, InlineKeyboardMarkup):
        return _render_buttons(markup.inline_keyboard, "inline", style, one_time=False)
    if isinstance(markup, ReplyKeyboardMarkup):
        buttons = [
            [b if isinstance(b, KeyboardButton) else KeyboardButton(text=str(b)) for b in row]
            for row in markup.keyboard
        ]
        return _render_buttons(buttons, "reply", style, bool(markup.one_time_keyboard))
    if isinstance(markup, ForceReply) and style is Style.TELEGRAM:
        return "↩ reply expected", None
    return "", None


def plain_text(text: str, parse_mode: str | None) -> str:
    """Text without HTML or Markdown markup; links keep their address in brackets."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        text = re.sub(r"(?i)<br\s*/?>", "\n", text)
        text = re.sub(
            r'(?is)<a\s+[^>]*href="([^"]*)"[^>]*>(.*?)</a>',
            lambda m: _link(m.group(2), m.group(1)),
            text,
        )
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    if mode in {"markdown", "markdownv2"}:
        text = re.sub(
            r"(?<!\\)\[([^\]]*)\]\(([^)]*)\)", lambda m: _link(m.group(1), m.group(2)), text
        )
        # Drop unescaped markup characters, then the escapes themselves.
        text = re.sub(r"(?<!\\)(\|\||[*_~`])", "", text)
        return re.sub(r"\\(.)", r"\1", text)
    return text


def describe_file(file: InputFile | str, caption_kind: str = "📎") -> str:
    """ "📎 name (N bytes)" and, for a small JSON file, its first lines."""
    if isinstance(file, str):
        return f"{caption_kind} file {file}"
    name = file.filename or "file"
    if isinstance(file, URLInputFile):
        return f"{caption_kind} {name} ({file.url})"
    if not isinstance(file, BufferedInputFile):
        return f"{caption_kind} {name}"
    lines = [f"{caption_kind} {name} ({len(file.data)} bytes)"]
    if name.lower().endswith(".json") and len(file.data) <= JSON_PREVIEW_MAX_BYTES:
        lines.extend(_json_preview(file.data))
    return "\n".join(lines)


def _render_edit(
    method: EditMessageText | EditMessageCaption | EditMessageReplyMarkup,
    style: Style,
    mode: str | None,
) -> Rendered:
    keyboard_text, choices = render_markup(method.reply_markup, style)
    if isinstance(method, EditMessageText):
        body = plain_text(method.text or "", mode)
    elif isinstance(method, EditMessageCaption):
        body = plain_text(method.caption or "", mode)
    else:
        body = ""
    # WhatsApp cannot edit: the new version arrives as a new message.
    if style is Style.TELEGRAM:
        what = "buttons" if isinstance(method, EditMessageReplyMarkup) else "message"
        body = _join(f"✏️ {what} #{method.message_id} edited:", body)
    return Rendered(
        _join(body, keyboard_text, sep="\n\n"),
        method.chat_id,
        choices,
        edited_message_id=method.message_id,
        body=body,
        keyboard=keyboard_text,
    )


def _message_body(method: TelegramMethod[Any], mode: str | None) -> str | None:
    caption = plain_text(getattr(method, "caption", None) or "", mode)
    if isinstance(method, SendMessage):
        return plain_text(method.text, mode)
    if isinstance(method, SendDocument):
        return _join(describe_file(method.document), caption)
    media: dict[type[Any], tuple[str, str]] = {
        SendPhoto: ("🖼", "photo"),
        SendVideo: ("🎬", "video"),
        SendAudio: ("🎵", "audio"),
        SendVoice: ("🎤", "voice"),
        SendAnimation: ("🎞", "animation"),
        SendVideoNote: ("⏺", "video_note"),
        SendSticker: ("🏷", "sticker"),
    }
    for kind, (icon, attr) in media.items():
        if isinstance(method, kind):
            return _join(describe_file(getattr(method, attr), icon), caption)
    if isinstance(method, SendLocation):
        return f"📍 {method.latitude}, {method.longitude}"
    if isinstance(method, SendVenue):
        return f"📍 {method.title}, {method.address}"
    if isinstance(method, SendContact):
        name = " ".join(p for p in (method.first_name, method.last_name) if p)
        return f"👤 {name} {method.phone_number}"
    if isinstance(method, SendPoll):
        options = [str(getattr(o, "text", o)) for o in method.options]
        return "\n".join([f"📊 {method.question}", *(f"○ {o}" for o in options)])
    if isinstance(method, SendDice):
        return method.emoji or "🎲"
    if isinstance(method, SendMediaGroup):
        return "\n".join(describe_file(m.media, "🖼") for m in method.media)
    if isinstance(method, ForwardMessage | CopyMessage):
        return _join(f"↪ message #{method.message_id}", caption)
    return None


def _render_buttons(
    rows: Sequence[Sequence[InlineKeyboardButton | KeyboardButton]],
    kind: Literal["inline", "reply"],
    style: Style,
    one_time: bool,
) -> tuple[str, Choices | None]:
    lines: list[str] = []
    options: list[Option] = []
    for button in (b for row in rows for b in row):
        action = _action(button)
        if action is None:
            lines.append(_unpickable(button))
            continue
        options.append(Option(len(options) + 1, button.text, action))
        lines.append(f"{len(options)}. {button.text}")
    if style is Style.TELEGRAM and options:
        lines.append("⌨ buttons" if kind == "inline" else "⌨ keyboard")
    choices = Choices(tuple(options), kind, one_time=one_time) if options else None
    return "\n".join(lines), choices


def _action(button: InlineKeyboardButton | KeyboardButton) -> Action | None:
    if isinstance(button, InlineKeyboardButton):
        return Press(button.callback_data) if button.callback_data is not None else None
    if button.request_contact:
        return ShareContact()
    others = (
        button.request_location,
        button.request_poll,
        button.request_users,
        button.request_chat,
        button.web_app,
    )
    return None if any(others) else Say(button.text)


def _unpickable(button: InlineKeyboardButton | KeyboardButton) -> str:
    if isinstance(button, InlineKeyboardButton):
        if button.url:
            return f"🔗 {_link(button.text, button.url)}"
        if button.copy_text:
            return f"📋 {button.text}: {button.copy_text.text}"
    return f"· {button.text}"


def _parse_mode(value: object, default: str | None) -> str | None:
    if isinstance(value, Default):
        return default
    return value if isinstance(value, str) else None


def _link(label: str, url: str) -> str:
    return label if label.strip() == url.strip() else f"{label} ({url})"


def _json_preview(data: bytes) -> Iterable[str]:
    try:
        pretty = json.dumps(json.loads(data), ensure_ascii=False, indent=2)
    except ValueError:  # not JSON after all (UnicodeDecodeError is a ValueError too)
        return []
    lines = pretty.splitlines()
    shown = [f"│ {line}" for line in lines[:JSON_PREVIEW_LINES]]
    return [*shown, "│ …"] if len(lines) > JSON_PREVIEW_LINES else shown


def _join(*parts: str, sep: str = "\n") -> str:
    return sep.join(p for p in parts if p)
