"""The console simulator: type as a person and read what the bot sends, through the real Dispatcher.

No network: the Bot's session renders every Bot API call with `bot.textui` and answers it with a
plausible result. Typed lines become updates from the current persona; `:` lines steer the
simulator (`:help`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TextIO

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from bot.app import App
from bot.console.terminal import ctrl_c_quits, make_reader, terminal_kept
from bot.render.choices import Choices, Option, Press, Say, ShareContact, Style
from bot.render.screen_session import CallResults, ScreenSession, as_int
from bot.render.textui import Rendered, next_choices
from bot.render.textui import render as render_call
from bot.render.updates import Sender, Updates, contact
from services.channels import Channel
from services.demo import DemoPersona, load_demo
from services.people import load_actor
from services.roles import Role
from services.uow import reading

log = logging.getLogger(__name__)

BOT_ID = 1000000001
BOT_TOKEN = f"{BOT_ID}:CONSOLE-SIMULATOR-NOT-A-REAL-TOKEN"
BOT_USERNAME = "qamqor_bot"
CHANNEL = Channel.TELEGRAM  # the personas' identities are Telegram ones
NEW_NAMES = ("Асель", "Тимур", "Дана", "Арман", "Мария", "Ильяс")
ROLE_ALIASES = {"duty_officer": "duty"}
META = re.compile(r"^:([a-z]+)\b\s*(.*)$", re.IGNORECASE)

BANNER = """\
Qamqor · консоль-симулятор · console simulator
kk  Чаттағыдай жазыңыз, мысалы /start. Батырма: нөмірі немесе мәтіні. Көмек: :help
ru  Пишите как в чате, например /start. Кнопка: её номер или текст. Справка: :help
en  Type as in a chat, e.g. /start. A button: its number or its text. Help: :help
Demo people are loaded (:who). You start as a new user. :quit or Ctrl+D leaves.
"""
GOODBYE = "Сау болыңыз · До свидания · Bye"
HELP = """\
:who           the people you can be
:as N          become person N; or :as admin|teacher|parent|duty|volunteer|coordinator
:as new        become a brand-new user (a new Telegram id each time)
:wa  :tg       show replies as WhatsApp (plain text) or Telegram (buttons) would
:quit          leave (Ctrl+D too)
Anything else is your message to the bot; a number or a button's text presses that button.
"""


@dataclass(frozen=True)
class Persona:
    key: str  # a demo persona's key, or "new"
    full_name: str
    user_id: int
    language_code: str | None

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0]

    def sender(self) -> Sender:
        first, _, last = self.full_name.partition(" ")
        return Sender(self.user_id, first, last or None, self.language_code)


class Console:
    def __init__(self, app: App, demo: list[DemoPersona], out: TextIO) -> None:
        self.app, self.out = app, out
        self.style = Style.TELEGRAM
        self.personas = [Persona(p.key, p.full_name, p.telegram_id, p.locale) for p in demo]
        # Unique across runs: the dedup table and registered newcomers persist in the demo DB.
        self.updates = Updates()
        self.new_ids = itertools.count(int(time.time() * 1000))
        self.results = CallResults(
            {"id": BOT_ID, "is_bot": True, "first_name": "Qamqor", "username": BOT_USERNAME}, 1
        )
        self.message_ids = self.results.message_ids
        self.choices: dict[int, tuple[Choices, str]] = {}
        self.bot = Bot(
            BOT_TOKEN,
            session=ScreenSession(self.answer),
            default=DefaultBotProperties(link_preview_is_disabled=True),
        )
        self.current = self.new_persona()

    # The bot's side: calls become text on the screen and plausible results.

    async def answer(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        raw, message_id = self.results.result(method)
        rendered = render_call(method, self.style, parse_mode=bot.default.parse_mode)
        if rendered is not None:
            self.show(rendered, message_id)
        return raw

    def bot_user(self) -> dict[str, Any]:
        return self.results.bot_user

    def show(self, rendered: Rendered, message_id: int | None) -> None:
        chat = as_int(rendered.chat_id) if rendered.chat_id is not None else self.current.user_id
        pending, source = self.choices.get(chat, (None, ""))
        choices = next_choices(pending, rendered)
        if rendered.choices is not None and choices is not None:
            choices, source = choices.on_message(message_id), rendered.text
        if choices is None:
            self.choices.pop(chat, None)
        else:
            self.choices[chat] = (choices, source)
        header = "🤖 "
        if chat != self.current.user_id:
            header += f"→ {self.name_of(chat)}: "
        self.write(rendered.text, first=header)

    def write(self, text: str, first: str = "", rest: str = "   ") -> None:
        lines = text.splitlines() or [""]
        for index, line in enumerate(lines):
            self.out.write(((first if index == 0 else rest) + line).rstrip() + "\n")
        self.out.flush()

    # The person's side: typed lines become updates.

    async def say(self, text: str) -> None:
        pending, source = self.choices.get(self.current.user_id, (None, ""))
        option = pending.pick(text) if pending is not None else None
        if option is None or pending is None:
            await self.feed(self.message(text))
            return
        self.write(option.label, first="   ↳ ")
        if isinstance(option.action, Press):
            await self.feed(self.callback(option.action.data, pending.message_id, source))
            return
        after = pending.after_pick()
        if after is None:
            self.choices.pop(self.current.user_id, None)
        await self.feed(self.reply(option))

    def reply(self, option: Option) -> dict[str, Any]:
        sender = self.current.sender()
        message_id = next(self.message_ids)
        if isinstance(option.action, Say):
            return self.updates.message(sender, message_id, text=option.action.text)
        assert isinstance(option.action, ShareContact)
        phone = f"+7000{sender.id % 10**7:07d}"
        return self.updates.message(sender, message_id, contact=contact(sender, phone))

    def message(self, text: str) -> dict[str, Any]:
        return self.updates.message(self.current.sender(), next(self.message_ids), text=text)

    def callback(self, data: str, message_id: int | None, text: str) -> dict[str, Any]:
        return self.updates.callback(
            self.current.sender(), data, message_id, message_text=text, bot_user=self.bot_user()
        )

    async def feed(self, raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": self.bot})
        try:
            await self.app.dispatcher.feed_update(self.bot, update)
        except Exception as error:  # keep the simulator alive; the traceback goes to the log
            log.exception("update %s failed", update.update_id)
            self.write(f"⚠ the bot failed on this update: {error!r}")

    # Personas.

    def new_persona(self) -> Persona:
        number = sum(1 for p in self.personas if p.key == "new")
        name = NEW_NAMES[number % len(NEW_NAMES)]
        persona = Persona("new", name, next(self.new_ids), None)
        self.personas.append(persona)
        return persona

    async def roles_of(self, persona: Persona) -> frozenset[Role] | None:
        """None for someone not registered; read in a short session that ends at once."""
        async with self.app.session_factory() as session, reading(session):
            actor = await load_actor(session, CHANNEL, str(persona.user_id))
        return None if actor is None else actor.roles

    async def label(self, persona: Persona) -> str:
        roles = await self.roles_of(persona)
        if roles is None:
            return "new"
        return ", ".join(sorted(roles)) or "no role"

    def name_of(self, chat_id: int) -> str:
        names = {p.user_id: p.full_name for p in self.personas}
        return names.get(chat_id, f"chat {chat_id}")

    def find(self, wanted: str) -> Persona | None:
        if wanted == "new":
            return self.new_persona()
        if wanted.isdigit():
            index = int(wanted)
            return self.personas[index - 1] if 1 <= index <= len(self.personas) else None
        key = ROLE_ALIASES.get(wanted, wanted)
        return next((p for p in self.personas if p.key == key), None)

    # Meta-commands.

    async def meta(self, name: str, argument: str) -> bool:
        """Runs a `:command`; False means quit."""
        if name in {"quit", "q", "exit"}:
            return False
        if name == "help":
            self.write(HELP, rest="")
        elif name == "who":
            await self.who()
        elif name == "as":
            await self.become(argument.strip().lower())
        elif name in {"wa", "tg"}:
            self.style = Style.WHATSAPP if name == "wa" else Style.TELEGRAM
            view = "WhatsApp: plain text" if name == "wa" else "Telegram: buttons, menus"
            self.write(f"· showing replies as {view}")
        else:
            self.write(f"· unknown :{name} — :help lists the simulator's commands")
        return True

    async def who(self) -> None:
        for number, persona in enumerate(self.personas, start=1):
            you = "  ← you" if persona is self.current else ""
            how = f"  (:as {persona.key})" if persona.key != "new" else ""
            line = f"{number}. {persona.full_name} — {await self.label(persona)}{how}{you}"
            self.write(line, first="  ")

    async def become(self, wanted: str) -> None:
        persona = self.find(wanted) if wanted else None
        if persona is None:
            self.write("· who? :who lists people; :as N, :as parent or :as new")
            return
        self.current = persona
        label = await self.label(persona)
        self.write(f"· you are now {persona.full_name} ({label}), Telegram id {persona.user_id}")

    async def prompt(self) -> str:
        return f"[{self.current.first_name} · {await self.label(self.current)}] > "

    async def run(self, read: Callable[[str], Awaitable[str | None]]) -> None:
        self.write(BANNER, rest="")
        self.write(f"· you are a new user: {self.current.full_name}")
        while True:
            line = await read(await self.prompt())
            if line is None:
                self.out.write("\n")
                break
            line = line.strip()
            if not line:
                continue
            meta = META.match(line)
            if meta is not None:
                if not await self.meta(meta.group(1).lower(), meta.group(2)):
                    break
                continue
            await self.say(line)
        self.write(GOODBYE)


async def run_console(
    app: App, lines: AsyncIterator[str] | None = None, out: TextIO = sys.stdout
) -> None:
    """Loads the demo data, then reads lines (stdin, or `lines` in tests) until :quit or EOF."""
    async with app.session_factory() as session:
        demo = await load_demo(session)
    console = Console(app, demo, out)
    try:
        with terminal_kept(lines is None), ctrl_c_quits() as interrupted:
            try:
                await console.run(make_reader(lines, out))
            except asyncio.CancelledError:
                if not interrupted.is_set():
                    raise
                console.write("")
                console.write(GOODBYE)
    finally:
        await console.bot.session.close()
