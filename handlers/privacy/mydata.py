"""/mydata: everything stored about me, as a file."""

from __future__ import annotations

import json
from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.steps import RESUMES
from services.hooks import Hooks
from services.people import Actor
from services.personal_data import export_person


async def cmd_mydata(
    message: Message, session: AsyncSession, actor: Actor | None, hooks: Sequence[Hooks]
) -> None:
    """Sends a JSON file with everything every feature stores about the person."""
    if actor is None:
        await message.answer(_("We store nothing about you: you have not registered."))
        return
    data = await export_person(session, actor.person_id, hooks)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    children = len(data["children"])
    lines = [_("This file holds everything Qamqor stores about you.")]
    if children:  # someone without children is told nothing about them
        lines.append(
            ngettext("It includes {n} child.", "It includes {n} children.", children).format(
                n=children
            )
        )
    caption = "\n".join([*lines, _("/forget deletes it all.")])
    await message.answer_document(
        BufferedInputFile(body, filename=f"qamqor-my-data-{actor.person_id}.json"), caption=caption
    )


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_mydata, Command("mydata"), flags=RESUMES)
    return router
