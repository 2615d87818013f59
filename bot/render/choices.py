"""What a person may answer to a rendered message: numbered options mapped back to actions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal


class Style(StrEnum):
    """WhatsApp: plain text and numbered options. Telegram: the same, saying they are buttons."""

    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"


# What typing an option does.
@dataclass(frozen=True)
class Press:
    """An inline button: becomes a CallbackQuery with this data."""

    data: str


@dataclass(frozen=True)
class Say:
    """A reply-keyboard button: the person sends its text."""

    text: str


@dataclass(frozen=True)
class ShareContact:
    """A request_contact button: the person shares their phone number."""


Action = Press | Say | ShareContact


@dataclass(frozen=True)
class Option:
    number: int
    label: str
    action: Action


@dataclass(frozen=True)
class Choices:
    """The options a message offers; `message_id` is the message that carries them."""

    options: tuple[Option, ...]
    kind: Literal["inline", "reply"]
    message_id: int | None = None
    one_time: bool = False

    def pick(self, typed: str) -> Option | None:
        """A number, the option's text (any case), or the first words of exactly one option."""
        wanted = typed.strip()
        if wanted.startswith("/"):
            return None  # a command is always a command
        number = wanted.rstrip(".)")
        if number.isdigit():
            index = int(number)
            return self.options[index - 1] if 1 <= index <= len(self.options) else None
        folded = wanted.casefold()
        for option in self.options:
            if option.label.strip().casefold() == folded:
                return option
        words = _words(wanted)
        if not words:
            return None
        for option in self.options:
            if _words(option.label) == words:
                return option
        starting = [o for o in self.options if _words(o.label)[: len(words)] == words]
        return starting[0] if len(starting) == 1 else None

    def on_message(self, message_id: int | None) -> Choices:
        return replace(self, message_id=message_id)

    def after_pick(self) -> Choices | None:
        """A one-time reply keyboard hides itself once used."""
        return None if self.one_time else self

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, so a transport without buttons can keep the choices between requests."""
        return {
            "kind": self.kind,
            "message_id": self.message_id,
            "one_time": self.one_time,
            "options": [[o.label, *_action_to_list(o.action)] for o in self.options],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Choices:
        options = tuple(
            Option(n, label, _action_from_list(kind, value))
            for n, (label, kind, value) in enumerate(data["options"], start=1)
        )
        return cls(options, data["kind"], data.get("message_id"), bool(data.get("one_time")))


def _action_to_list(action: Action) -> list[str]:
    if isinstance(action, Press):
        return ["press", action.data]
    if isinstance(action, Say):
        return ["say", action.text]
    return ["contact", ""]


def _action_from_list(kind: str, value: str) -> Action:
    actions: dict[str, Action] = {"press": Press(value), "say": Say(value)}
    return actions.get(kind, ShareContact())


def _words(text: str) -> tuple[str, ...]:
    return tuple("".join(c if c.isalnum() else " " for c in text.casefold()).split())
