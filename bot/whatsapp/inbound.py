"""Twilio's incoming-message webhook fields as the Telegram update the Dispatcher expects.

A reply that picks one of the numbered options becomes what the button would have done: a
callback query for an inline button, the button's text for a reply keyboard, and for "share my
number" a contact, which the channel knows already.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.render.choices import Choices, Press, Say
from bot.render.updates import Sender, Updates, contact
from bot.whatsapp.address import chat_id_of


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
    inbound: Inbound, choices: Choices | None, updates: Updates, message_id: int
) -> tuple[dict[str, Any], Choices | None]:
    """The update for this message, and the options still open after it."""
    # No language_code: WhatsApp does not tell; the person picks at /start.
    sender = Sender(inbound.chat_id, inbound.name)
    option = choices.pick(inbound.text) if choices is not None else None
    if option is None or choices is None:
        return updates.message(sender, message_id, text=inbound.text), choices
    if isinstance(option.action, Press):
        # The query id starts with the number, so answering the query knows where to write.
        query_id = f"{inbound.chat_id}:{inbound.message_sid}"
        update = updates.callback(sender, option.action.data, choices.message_id, query_id=query_id)
        return update, choices
    if isinstance(option.action, Say):
        update = updates.message(sender, message_id, text=option.action.text)
    else:  # "share my number": WhatsApp knows it already
        update = updates.message(sender, message_id, contact=contact(sender, f"+{inbound.chat_id}"))
    return update, choices.after_pick()
