"""A conversation step's question, kept so that it can be asked again.

Every step that offers options declares how to ask it (`Feature.steps`). The question is then
asked again, with its options, whenever the answer does not fit (the `steps` feature's
catch-all), after a command answered in the middle of the step (handlers flagged `RESUMES`),
and in the new language after /language. On WhatsApp a new message without options closes the
earlier ones, so re-sending them is what keeps "reply with the number" true.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from services.channels import Channel
from services.people import Actor
from services.roles import Role

# A handler flag: once it has answered, the step the person is in is asked again.
RESUMES = {"resumes_step": True}


@dataclass(frozen=True)
class Asking:
    """What a step's question needs to be asked: where, of whom, in which language."""

    bot: Bot
    chat_id: int
    state: FSMContext
    session: AsyncSession
    actor: Actor | None
    channel: Channel
    locale: str
    hint: str = ""  # why it is asked again, shown above the question
    again: bool = False  # asked before: a long text may be left out this time

    async def send(
        self, text: str, reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
    ) -> None:
        """The question; the hint speaks of buttons, so it goes only where there are some."""
        lead = self.hint if reply_markup is not None else ""
        await self.bot.send_message(self.chat_id, with_lead(lead, text), reply_markup=reply_markup)

    async def close(self, text: str) -> None:
        """The step has nothing left to ask (its list emptied, its person gone): it ends."""
        await end_conversation(self.state)
        await self.bot.send_message(self.chat_id, text)


Ask = Callable[[Asking], Awaitable[None]]


def only_for(*roles: Role) -> Callable[[Ask], Ask]:
    """A step of a role's flow: someone who lost the role meanwhile is not shown its data."""

    def wrap(ask: Ask) -> Ask:
        async def guarded(asking: Asking) -> None:
            if asking.actor is None or not asking.actor.has(*roles):
                await asking.close(_("Sorry, I didn't understand. /help shows what I can do."))
                return
            await ask(asking)

        return guarded

    return wrap


def with_lead(lead: str, question: str) -> str:
    """The question under a line saying why it is asked again."""
    return f"{lead}\n\n{question}" if lead else question


def retry_hint(channel: Channel) -> str:
    """WhatsApp shows numbered options, not buttons; Telegram and the console show buttons."""
    if channel is Channel.WHATSAPP:
        return _("Please reply with the number of your choice, or send /cancel.")
    return _("Please tap one of the buttons below, or send /cancel.")


class Steps:
    """Every feature's steps, by the state's name ("StartFlow:consent")."""

    def __init__(self, steps: Iterable[Mapping[State, Ask]] = ()) -> None:
        self.asks: dict[str, Ask] = {}
        for mapping in steps:
            for state, ask in mapping.items():
                name = state.state
                if name is None or name in self.asks:
                    raise ValueError(f"step {name!r} is declared twice or has no name")
                self.asks[name] = ask

    def ask_for(self, state: str | None) -> Ask | None:
        return self.asks.get(state) if state is not None else None

    async def ask_again(self, data: Mapping[str, Any], *, hint: str = "") -> bool:
        """Asks the step the person is in, from a handler's data; False when in none."""
        asking = asking_from(data)
        ask = self.ask_for(await asking.state.get_state()) if asking is not None else None
        if asking is None or ask is None:
            return False
        await ask(replace(asking, hint=hint, again=True))
        return True


def asking_from(
    data: Mapping[str, Any], locale: str | None = None, chat_id: int | None = None
) -> Asking | None:
    """From a handler's data; `chat_id` where the event's chat is not known (a button on an
    inline message)."""
    state: FSMContext | None = data.get("state")
    chat = data.get("event_chat")
    if chat_id is None and chat is not None:
        chat_id = chat.id
    if state is None or chat_id is None:
        return None
    return Asking(
        bot=data["bot"],
        chat_id=chat_id,
        state=state,
        session=data["session"],
        actor=data.get("actor"),
        channel=data["channel"],
        locale=locale or get_i18n().current_locale,
    )


def asking_in(
    bot: Bot, chat_id: int, state: FSMContext, session: AsyncSession, actor: Actor, channel: Channel
) -> Asking:
    """A registered person's step, asked in their language."""
    return Asking(bot, chat_id, state, session, actor, channel, actor.locale)
