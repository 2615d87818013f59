"""A role's command tried by someone without that role gets a clear refusal."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.labels import role_label
from handlers.menu import ROLE_COMMANDS

router = Router(name=__name__)


@router.message(Command(*ROLE_COMMANDS))
async def cmd_not_your_role(message: Message, command: CommandObject) -> None:
    """Names the roles the command belongs to; nothing is done."""
    name = command.command.lower()
    roles = ", ".join(role_label(r) for r in sorted(ROLE_COMMANDS.get(name, ())))
    await message.answer(
        _("Sorry, /{command} is only for: {roles}. /help shows your commands.").format(
            command=name, roles=roles
        )
    )
