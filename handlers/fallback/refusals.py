"""A role's command tried by someone without that role gets a clear refusal."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.common.labels import role_audience
from handlers.common.menu import Menu
from handlers.common.steps import RESUMES
from services.people import Actor


class RoleCommand(Filter):
    """A command that belongs to some roles (every feature's menu, read at run time)."""

    async def __call__(self, message: Message, menu: Menu, **_: Any) -> bool | dict[str, Any]:
        text = message.text or ""
        words = text[1:].split(maxsplit=1) if text.startswith("/") else []
        if not words:
            return False
        name = words[0].partition("@")[0].lower()
        return {"command_name": name} if name in menu.role_commands else False


async def cmd_not_your_role(
    message: Message,
    command_name: str,
    menu: Menu,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Names the roles the command belongs to; nothing is done."""
    roles = ", ".join(sorted(role_audience(r) for r in menu.role_commands.get(command_name) or ()))
    await message.answer(
        _("Sorry, /{command} is only for {roles}. /help shows your commands.").format(
            command=command_name, roles=roles
        )
    )
    if actor is not None:
        # A role taken away by an administrator leaves its commands in Telegram's "/" menu
        # until now, when one of them is tried: the menu is set to what the person has.
        await menu.publish(bot, message.chat.id, actor.roles, i18n, actor.locale)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_not_your_role, RoleCommand(), flags=RESUMES)
    return router
