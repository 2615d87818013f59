"""Who you can be in the console: the demo people, and newcomers on Telegram or WhatsApp."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass

from bot.render.updates import Sender
from services.channels import Channel
from services.demo import DemoPersona, newcomer_name

ROLE_ALIASES = {"duty_officer": "duty"}
NEW_TELEGRAM = "new"
NEW_WHATSAPP = "new-wa"
# Invented Kazakh mobile numbers, +7 700 …, for WhatsApp newcomers.
WHATSAPP_PREFIX = 7_700_000_0000


@dataclass(frozen=True)
class Persona:
    handle: str  # what `:as` takes and `:who` shows
    full_name: str
    user_id: int  # the Telegram id, or the digits of the WhatsApp number
    language_code: str | None
    channel: Channel = Channel.TELEGRAM

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0]

    @property
    def external_id(self) -> str:
        return str(self.user_id)

    @property
    def on_whatsapp(self) -> bool:
        return self.channel is Channel.WHATSAPP

    def describe(self) -> str:
        if self.on_whatsapp:
            return f"WhatsApp +{self.user_id}"
        return f"Telegram id {self.user_id}"

    def sender(self) -> Sender:
        first, _, last = self.full_name.partition(" ")
        return Sender(self.user_id, first, last or None, self.language_code)


class Personas:
    def __init__(self, demo: list[DemoPersona]) -> None:
        self.people = [Persona(p.key, p.full_name, p.telegram_id, p.locale) for p in demo]
        # Unique across runs: the dedup table and registered newcomers persist in the demo DB.
        self.telegram_ids = itertools.count(int(time.time() * 1000))
        self.numbers = itertools.count(int(time.time()) % 10**7)
        self.newcomers = 0
        self.made = {Channel.TELEGRAM: 0, Channel.WHATSAPP: 0}

    def __iter__(self) -> Iterator[Persona]:
        return iter(self.people)

    def make(self, channel: Channel) -> Persona:
        """A newcomer not yet listed (`add` lists them): a new name, a new id or number."""
        name = newcomer_name(self.newcomers)
        self.newcomers += 1
        self.made[channel] += 1
        prefix = "wa" if channel is Channel.WHATSAPP else "new"
        return Persona(f"{prefix}{self.made[channel]}", name, self.next_id(channel), None, channel)

    def next_id(self, channel: Channel) -> int:
        if channel is Channel.WHATSAPP:
            return WHATSAPP_PREFIX + next(self.numbers) % 10**7
        return next(self.telegram_ids)

    def add(self, persona: Persona) -> Persona:
        self.people.append(persona)
        return persona

    def find(self, wanted: str) -> Persona | None:
        """By number in `:who`'s list, or by handle (`duty_officer` is `duty` too)."""
        if wanted.isdigit():
            index = int(wanted)
            return self.people[index - 1] if 1 <= index <= len(self.people) else None
        handle = ROLE_ALIASES.get(wanted, wanted)
        return next((p for p in self.people if p.handle == handle), None)

    def name_of(self, chat_id: int) -> str:
        names = {p.user_id: p.full_name for p in self.people}
        return names.get(chat_id, f"chat {chat_id}")
