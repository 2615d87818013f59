"""/help: the commands this person's roles allow, in their language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.labels import role_label
from handlers.menu import commands_for
from services.people import Actor

router = Router(name=__name__)


def help_text(roles: frozenset[str]) -> str:
    lines = [f"/{c.name} — {_(c.description)}" for c in commands_for(roles)]
    if roles:
        names = ", ".join(sorted(role_label(r) for r in roles))
        header = _("Your roles: {roles}.").format(roles=names)
    else:
        header = _("You have no role yet.")
    return "\n".join([header, "", _("Here is what I can do:"), *lines])


@router.message(Command("help"))
async def cmd_help(message: Message, actor: Actor | None) -> None:
    """Role-aware list of commands; newcomers are pointed to /start."""
    if actor is None:
        await message.answer(_("Send /start to register: it takes a minute."))
        return
    await message.answer(help_text(actor.roles))
