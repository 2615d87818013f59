"""Which commands each role has. Every feature declares its own; `Menu` gathers them for
/help, Telegram's "/" lists and the refusal of another role's command."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n

from services.roles import Role


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class MenuCommand:
    name: str
    description: str  # msgid, translated per reader
    roles: frozenset[Role] | None = None  # None: everyone
    rank: int = 50  # place in the menu: /start and /help first, /cancel last

    def allowed(self, roles: frozenset[Role]) -> bool:
        return self.roles is None or not self.roles.isdisjoint(roles)


class Menu:
    def __init__(self, commands: Iterable[MenuCommand]) -> None:
        self.commands = tuple(sorted(commands, key=lambda c: c.rank))
        self.role_commands = {c.name: c.roles for c in self.commands if c.roles is not None}

    def commands_for(self, roles: frozenset[Role]) -> list[MenuCommand]:
        return [c for c in self.commands if c.allowed(roles)]

    def bot_commands(self, roles: frozenset[Role], i18n: I18n, locale: str) -> list[BotCommand]:
        return [
            BotCommand(command=c.name, description=i18n.gettext(c.description, locale=locale))
            for c in self.commands_for(roles)
        ]

    async def publish(
        self, bot: Bot, chat_id: int, roles: frozenset[Role], i18n: I18n, locale: str
    ) -> None:
        """Telegram's "/" menu for this chat: the person's roles, in the person's language."""
        await bot.set_my_commands(
            self.bot_commands(roles, i18n, locale), scope=BotCommandScopeChat(chat_id=chat_id)
        )
