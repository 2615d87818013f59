"""Twilio's incoming-message webhook fields as the Telegram update the Dispatcher expects.

A reply that picks one of the numbered options becomes what the button would have done: a
callback query for an inline button, the button's text for a reply keyboard, and for "share my
number" a contact, which the channel knows already.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.choices import Choices, Option, Press, Say
from bot.whatsapp.address import chat_id_of

COMMAND_PREFIXES = ("/",)


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    chat_id: int  # the digits of the sender's number
    name: str
    text: str

    @property
    def address(self) -> str:
        return str(self.chat_id)


def parse_inbound(form: Mapping[str, str]) -> Inbound:
    """The fields we use; ValueError when the request is not an incoming WhatsApp message."""
    sid = form.get("MessageSid", "")
    if not sid.startswith(("SM", "MM")) or len(sid) > 64:
        raise ValueError("no MessageSid")
    chat_id = chat_id_of(form.get("From", ""))
    # A quick-reply button of ours sends its id, the option's number; a media-only message
    # has no body.
    payload = (form.get("ButtonPayload") or "").strip()
    text = payload if payload.isdecimal() else (form.get("Body") or form.get("ButtonText") or "")
    text = text.strip()
    name = (form.get("ProfileName") or "").strip()[:64] or f"+{chat_id}"
    return Inbound(sid, chat_id, name, text)


def to_update(
    inbound: Inbound, choices: Choices | None, update_id: int, message_id: int
) -> tuple[dict[str, Any], Choices | None]:
    """The update for this message, and the options still open after it."""
    option = choices.pick(inbound.text) if choices is not None else None
    if option is None or choices is None:
        return _message(inbound, update_id, message_id, text=inbound.text), choices
    if isinstance(option.action, Press):
        return _callback(inbound, update_id, option.action.data, choices.message_id), choices
    return _reply(inbound, update_id, message_id, option), choices.after_pick()


def _user(inbound: Inbound) -> dict[str, Any]:
    # No language_code: WhatsApp does not tell; the person picks at /start.
    return {"id": inbound.chat_id, "is_bot": False, "first_name": inbound.name}


def _chat(inbound: Inbound) -> dict[str, Any]:
    return {"id": inbound.chat_id, "type": "private", "first_name": inbound.name}


def _message(inbound: Inbound, update_id: int, message_id: int, **content: Any) -> dict[str, Any]:
    text = content.get("text")
    if isinstance(text, str) and text.startswith(COMMAND_PREFIXES):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat(inbound),
            "from": _user(inbound),
            **content,
        },
    }


def _reply(inbound: Inbound, update_id: int, message_id: int, option: Option) -> dict[str, Any]:
    if isinstance(option.action, Say):
        return _message(inbound, update_id, message_id, text=option.action.text)
    contact = {
        "phone_number": f"+{inbound.chat_id}",
        "first_name": inbound.name,
        "user_id": inbound.chat_id,
    }
    return _message(inbound, update_id, message_id, contact=contact)


def _callback(
    inbound: Inbound, update_id: int, data: str, message_id: int | None
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            # Starts with the number, so answering the query knows where to write.
            "id": f"{inbound.chat_id}:{inbound.message_sid}",
            "from": _user(inbound),
            "chat_instance": str(inbound.chat_id),
            "data": data,
            "message": {
                "message_id": message_id or 0,
                "date": int(time.time()),
                "chat": _chat(inbound),
                "text": "…",
            },
        },
    }
