"""Which commands each role has: one table feeds /help, Telegram's command lists and refusals."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n

EVERYONE = "*"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class MenuCommand:
    name: str
    description: str  # msgid, translated per reader
    roles: frozenset[str]  # EVERYONE, or the roles that may use it


COMMANDS = (
    MenuCommand("start", N_("Start or restart"), frozenset({EVERYONE})),
    MenuCommand("help", N_("What I can do for you"), frozenset({EVERYONE})),
    MenuCommand(
        "invite", N_("Invite a teacher, staff member or coordinator"), frozenset({"admin"})
    ),
    MenuCommand("language", N_("Change language"), frozenset({EVERYONE})),
    MenuCommand("link", N_("Use Qamqor on Telegram and WhatsApp"), frozenset({EVERYONE})),
    MenuCommand("mydata", N_("See everything stored about me"), frozenset({EVERYONE})),
    MenuCommand("forget", N_("Delete my data"), frozenset({EVERYONE})),
    MenuCommand("cancel", N_("Cancel the current step"), frozenset({EVERYONE})),
)
ROLE_COMMANDS = {c.name: c.roles for c in COMMANDS if EVERYONE not in c.roles}


def commands_for(roles: frozenset[str]) -> list[MenuCommand]:
    return [c for c in COMMANDS if EVERYONE in c.roles or not c.roles.isdisjoint(roles)]


def bot_commands(roles: frozenset[str], i18n: I18n, locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=c.name, description=i18n.gettext(c.description, locale=locale))
        for c in commands_for(roles)
    ]


async def publish_chat_commands(
    bot: Bot, chat_id: int, roles: frozenset[str], i18n: I18n, locale: str
) -> None:
    """Telegram's "/" menu for this chat: the person's roles, in the person's language."""
    await bot.set_my_commands(
        bot_commands(roles, i18n, locale), scope=BotCommandScopeChat(chat_id=chat_id)
    )
