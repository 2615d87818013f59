"""Whatever no flow understood, and buttons that no longer mean anything."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.common.labels import stale_button
from handlers.common.steps import RESUMES
from services.people import Actor


async def is_command(message: Message) -> bool:
    return (message.text or "").startswith("/")


async def unknown_command(message: Message) -> None:
    """A command we do not have."""
    await message.answer(_("I don't know this command. /help shows what I can do."))


async def not_understood(message: Message, actor: Actor | None) -> None:
    """Free text outside any conversation."""
    if actor is None:
        await message.answer(_("Hello! Send /start to begin."))
        return
    await message.answer(_("Sorry, I didn't understand. /help shows what I can do."))


async def cb_stale(query: CallbackQuery) -> None:
    """A button from an old message, a finished step or someone else's menu."""
    await query.answer(stale_button(), show_alert=True)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_command, is_command, flags=RESUMES)
    router.message.register(not_understood)
    router.callback_query.register(cb_stale)
    return router
