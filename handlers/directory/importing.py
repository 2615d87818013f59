"""/import (coordinators, administrators): the template, then the filled-in file, checked
whole and stored in one transaction or not at all (diagram: docs/flows/import.mmd)."""

from __future__ import annotations

import io
from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole
from handlers.common.fmt import ALMATY
from handlers.common.steps import Ask, Asking, only_for
from handlers.directory.filters import HasDocument
from handlers.directory.states import ImportFlow
from handlers.directory.texts import (
    file_problem_text,
    file_question,
    problems_text,
    summary_text,
    template_caption,
    whatsapp_note,
)
from services.channels import Channel
from services.people import Actor
from services.roles import Role
from services.volunteers.import_rules import MAX_BYTES, ImportRejected, template_xlsx
from services.volunteers.imports import import_directory

STAFF = (Role.ADMIN, Role.COORDINATOR)
TEMPLATE_NAME = "qamqor-directory-template.xlsx"


async def cmd_import(message: Message, state: FSMContext, channel: Channel) -> None:
    """Sends the template and waits for the file (on Telegram and in the console)."""
    template = BufferedInputFile(template_xlsx(), filename=TEMPLATE_NAME)
    await message.answer_document(template, caption=template_caption())
    if channel is Channel.WHATSAPP:
        await end_conversation(state)
        await message.answer(whatsapp_note())
        return
    await state.set_state(ImportFlow.file)
    await message.answer(file_question())


async def file_sent(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    """Downloads the document (no transaction open), then imports it in one."""
    document = message.document
    assert document is not None
    if (document.file_size or 0) > MAX_BYTES:
        await message.answer(f"{file_problem_text('too_big')}\n\n{file_question()}")
        return
    content = io.BytesIO()
    await bot.download(document, destination=content)
    today = datetime.now(ALMATY).date()
    name = document.file_name or ""
    try:
        summary = await import_directory(session, actor.person_id, name, content.getvalue(), today)
    except ImportRejected as rejected:
        await message.answer(f"{problems_text(rejected.problems)}\n\n{file_question()}")
        return
    await end_conversation(state)
    await message.answer(summary_text(summary))


@only_for(*STAFF)
async def ask_file(asking: Asking) -> None:
    await asking.send(file_question())


STEPS: dict[State, Ask] = {ImportFlow.file: ask_file}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*STAFF))
    router.message.register(cmd_import, Command("import"))
    router.message.register(file_sent, StateFilter(ImportFlow.file), HasDocument())
    return router
