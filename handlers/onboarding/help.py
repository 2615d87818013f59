"""/help: the commands this person's roles allow, in their language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.common.menu import Menu
from handlers.common.steps import RESUMES
from handlers.onboarding.states import StartFlow
from handlers.onboarding.texts import help_text
from services.people import Actor


async def cmd_help(
    message: Message, actor: Actor | None, menu: Menu, raw_state: str | None = None
) -> None:
    """Role-aware list of commands; newcomers are pointed to /start."""
    if actor is None:
        if raw_state in StartFlow.__all_states_names__:
            await message.answer(
                _(
                    "You are registering: answer the question below, or send /cancel. "
                    "/language changes the language."
                )
            )
            return
        await message.answer(_("Send /start to register: it takes a minute."))
        return
    await message.answer(help_text(menu, actor.roles))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_help, Command("help"), flags=RESUMES)
    return router
