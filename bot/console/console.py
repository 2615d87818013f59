"""The console simulator: type as a person and read what the bot sends, through the real Dispatcher.

No network: the Bot's session renders every Bot API call with `bot.textui` and answers it with a
plausible result. Typed lines become updates from the current persona; `:` lines steer the
simulator (`:help`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.types import BufferedInputFile, Update

from bot.app import App
from bot.console import views
from bot.console.personas import NEW_TELEGRAM, NEW_WHATSAPP, Persona, Personas
from bot.console.reset import fresh_demo
from bot.console.terminal import ctrl_c_quits, make_reader, terminal_kept
from bot.console.whatsapp import console_whatsapp, incoming
from bot.outbox.couriers import Courier
from bot.outbox.sender import OutboxSender
from bot.render.choices import Choices, Option, Press, Say, ShareContact, Style
from bot.render.screen_session import CallResults, ScreenSession, as_int
from bot.render.textui import Rendered, next_choices
from bot.render.textui import render as render_call
from bot.render.updates import Updates, contact
from bot.scheduler import REMINDERS_MARK, tick_with
from bot.state.stores import read_state
from bot.telegram.courier import TelegramCourier
from bot.whatsapp.courier import WhatsAppCourier
from bot.whatsapp.media_store import Media
from services.channels import Channel
from services.demo import DemoPersona, load_demo
from services.messaging.listing import latest_messages
from services.people import load_actor
from services.roles import Role
from services.scheduling import last_reached, tick_window
from services.uow import reading
from storage.base import utcnow

log = logging.getLogger(__name__)

BOT_ID = 1000000001
BOT_TOKEN = f"{BOT_ID}:CONSOLE-SIMULATOR-NOT-A-REAL-TOKEN"
BOT_USERNAME = "qamqor_bot"
FILES = Path("var") / "files"  # documents the bot sends land here
OUTBOX_SHOWN = 20
META = re.compile(r"^:([a-z]+)\b\s*(.*)$", re.IGNORECASE)

BANNER = """\
Qamqor · консоль-симулятор · console simulator
kk  Чаттағыдай жазыңыз, мысалы /start. Түйме: нөмірі немесе мәтіні. Көмек: :help
ru  Пишите как в чате, например /start. Кнопка: её номер или текст. Справка: :help
en  Type as in a chat, e.g. /start. A button: its number or its text. Help: :help
Demo people are loaded (:who). You start as a new user. :quit or Ctrl+D leaves.
"""
GOODBYE = "Сау болыңыз · До свидания · Bye"
HELP = """\
:who           the people you can be, each with the name :as takes
:as N          become person N; or :as admin|teacher|parent|duty|volunteer|coordinator|new1|wa1
:as new        become a brand-new Telegram user (a new id each time)
:as new-wa     become a brand-new WhatsApp user (a new number each time): their messages go the
               way a WhatsApp number's do, and the replies come as WhatsApp shows them
:wa  :tg       show Telegram people's replies as WhatsApp (plain text) or Telegram would
:state         your conversation's state and data
:outbox        the latest queued and sent notifications, as their recipients will see them
:outbox send   send what is due, as the outbox senders would (to this screen)
:tick [TIME]   run the scheduler's tick now, or as of TIME in Almaty (07:30: the next 07:30;
               2026-11-26 07:30), so the reminders due by then are queued
:reset         a fresh demo database (everything typed so far is gone)
:quit          leave (Ctrl+D too)
Anything else is your message to the bot; a number or a button's text presses that button.
Documents the bot sends are written under var/files/.
"""


class Console:
    def __init__(
        self, app: App, demo: list[DemoPersona], out: TextIO, *, files: Path = FILES
    ) -> None:
        self.app, self.out, self.files = app, out, files
        self.style = Style.TELEGRAM
        self.personas = Personas(demo)
        # Unique across runs: the dedup table outlives them.
        self.updates = Updates()
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
        self.whatsapp = console_whatsapp(app, self.posted_to_whatsapp)
        self.current = self.personas.add(self.personas.make(Channel.TELEGRAM))

    # The bot's side: calls become text on the screen and plausible results.

    async def answer(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        raw, message_id = self.results.result(method)
        rendered = render_call(method, self.style, parse_mode=bot.default.parse_mode)
        if rendered is not None:
            self.show(rendered, message_id)
            if isinstance(method, SendDocument) and isinstance(method.document, BufferedInputFile):
                self.save(method.document.filename or "file", method.document.data)
        return raw

    async def posted_to_whatsapp(self, number: int, text: str, media: Sequence[Media]) -> None:
        """What the WhatsApp channel would post to Twilio for this number."""
        self.write(text or "", first=self.header(number))
        for document in media:
            self.write(f"📎 {document.filename} ({len(document.data)} bytes)", first="   ")
            self.save(document.filename, document.data)

    def save(self, filename: str, data: bytes) -> None:
        """The whole document, where the developer can open it."""
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / Path(filename).name  # never outside the folder
        path.write_bytes(data)
        self.write(f"💾 saved as {views.shown_path(path)}", first="   ")

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
        self.write(rendered.text, first=self.header(chat))

    def header(self, chat: int) -> str:
        if chat == self.current.user_id:
            return "🤖 "
        return f"🤖 → {self.personas.name_of(chat)}: "

    def write(self, text: str, first: str = "", rest: str = "   ") -> None:
        lines = text.splitlines() or [""]
        for index, line in enumerate(lines):
            self.out.write(((first if index == 0 else rest) + line).rstrip() + "\n")
        self.out.flush()

    # The person's side: typed lines become updates.

    async def say(self, text: str) -> None:
        if self.current.on_whatsapp:
            form = incoming(self.current.user_id, self.current.full_name, text)
            try:
                await self.whatsapp.receive(form)
            except Exception as error:  # as feed(): the simulator stays alive
                log.exception("WhatsApp message %s failed", form["MessageSid"])
                self.write(f"⚠ the bot failed on this message: {error!r}")
            return
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

    async def new_persona(self, channel: Channel) -> Persona:
        persona = self.personas.make(channel)
        while await self.roles_of(persona) is not None:  # an account an earlier run registered
            persona = replace(persona, user_id=self.personas.next_id(channel))
        return self.personas.add(persona)

    async def roles_of(self, persona: Persona) -> frozenset[Role] | None:
        """None for someone not registered; read in a short session that ends at once."""
        async with self.app.session_factory() as session, reading(session):
            actor = await load_actor(session, persona.channel, persona.external_id)
        return None if actor is None else actor.roles

    async def label(self, persona: Persona) -> str:
        roles = await self.roles_of(persona)
        if roles is None:
            return "new"
        return ", ".join(sorted(roles)) or "no role"

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
        elif name == "state":
            await self.state()
        elif name == "outbox" and argument.strip() == "send":
            await self.send_outbox()
        elif name == "outbox":
            await self.outbox()
        elif name == "tick":
            await self.tick(argument)
        elif name == "reset":
            await self.reset()
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
            where = " · WhatsApp" if persona.on_whatsapp else ""
            label = await self.label(persona)
            line = f"{number}. {persona.full_name} — {label}{where}  (:as {persona.handle}){you}"
            self.write(line, first="  ")

    async def become(self, wanted: str) -> None:
        if wanted in {NEW_TELEGRAM, NEW_WHATSAPP}:
            channel = Channel.WHATSAPP if wanted == NEW_WHATSAPP else Channel.TELEGRAM
            persona: Persona | None = await self.new_persona(channel)
        else:
            persona = self.personas.find(wanted) if wanted else None
        if persona is None:
            self.write("· who? :who lists people; :as N, :as parent, :as new or :as new-wa")
            return
        self.current = persona
        label = await self.label(persona)
        self.write(f"· you are now {persona.full_name} ({label}), {persona.describe()}")

    async def state(self) -> None:
        persona = self.current
        bot = self.whatsapp.channel.bot if persona.on_whatsapp else self.bot  # as the updates'
        key = StorageKey(bot_id=bot.id, chat_id=persona.user_id, user_id=persona.user_id)
        snapshot = await read_state(self.app.states, self.app.session_factory, key)
        self.write(f"· {persona.full_name}, {persona.describe()}")
        for line in views.state_lines(snapshot):
            self.write(line, first="  ", rest="  ")

    async def outbox(self) -> None:
        async with self.app.session_factory() as session:
            entries = await latest_messages(session, OUTBOX_SHOWN)
        self.write(f"· the outbox, latest {OUTBOX_SHOWN} (as each recipient's messenger shows it)")
        for line in views.outbox_lines(entries):
            self.write(line, first="  ", rest="  ")

    async def send_outbox(self) -> None:
        """Everything due goes out as the senders would send it: to the screen, here."""
        s = self.app.settings
        couriers: tuple[Courier, ...] = (
            TelegramCourier(self.bot),
            WhatsAppCourier(self.whatsapp.channel, s.whatsapp_templates, status_callback=None),
        )
        for courier in couriers:
            sender = OutboxSender(
                courier,
                self.app.session_factory,
                rate=s.outbox_telegram_rate,
                per_chat_rate=s.outbox_telegram_rate,  # no waiting a second per chat here
                max_attempts=s.outbox_max_attempts,
                lease=timedelta(seconds=s.outbox_claim_lease_seconds),
            )
            self.write(f"· {courier.channel.value}: {await sender.drain()}")

    async def tick(self, argument: str) -> None:
        now = utcnow()
        try:
            moment = views.tick_moment(argument, now)
        except ValueError:
            self.write("· :tick, :tick 07:30 or :tick 2026-11-26 07:30 (Almaty time)")
            return
        grace = timedelta(minutes=self.app.settings.scheduler_grace_minutes)
        async with self.app.session_factory() as session:
            last = await last_reached(session, REMINDERS_MARK)
            queued = await tick_with(session, self.app.assembly, moment, grace)
        start, end = tick_window(last, moment, grace)
        self.write(
            f"· tick as of {views.local(moment)} (Asia/Almaty): reminders due after "
            f"{views.local(start)} up to {views.local(end)}; {queued} queued (:outbox shows them)"
        )
        if last is not None and last >= moment:
            self.write(f"  the last tick reached {views.local(last)}: :reset scans from scratch")

    async def reset(self) -> None:
        demo = await fresh_demo(self.app)
        self.personas = Personas(demo)
        self.choices.clear()
        self.current = await self.new_persona(Channel.TELEGRAM)
        self.write(f"· a fresh demo database; you are a new user: {self.current.full_name}")

    async def prompt(self) -> str:
        where = " · WhatsApp" if self.current.on_whatsapp else ""
        return f"[{self.current.first_name} · {await self.label(self.current)}{where}] > "

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
    app: App,
    lines: AsyncIterator[str] | None = None,
    out: TextIO = sys.stdout,
    *,
    files: Path = FILES,
) -> None:
    """Loads the demo data, then reads lines (stdin, or `lines` in tests) until :quit or EOF;
    documents the bot sends are written to `files`."""
    async with app.session_factory() as session:
        demo = await load_demo(session)
    console = Console(app, demo, out, files=files)
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
