"""/note TEXT: a note to self, with a reminder an hour later. Everything the feature adds to the
bot is declared here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.filters import HasRole
from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from services.hooks import Due
from services.people import Actor
from services.roles import Role
from storage.base import utcnow
from tests.example_feature.services.notes import HOOKS, KIND, add_note


async def cmd_note(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    """Keeps the note; the reminder comes from the scheduler's tick."""
    count = await add_note(
        session, actor.person_id, command.args or "", utcnow() + timedelta(hours=1)
    )
    await message.answer(_("Noted. Notes kept: {n}.").format(n=count))


def reminder(due: Due) -> dict[str, Any]:
    return {"text": "⏰ " + str(due.params["text"])}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.VOLUNTEER))
    router.message.register(cmd_note, Command("note"))
    return router


feature = Feature(
    name="notes",
    router=make_router,
    commands=(MenuCommand("note", N_("Keep a note"), frozenset({Role.VOLUNTEER})),),
    hooks=HOOKS,
    renderers={KIND: reminder},
)
