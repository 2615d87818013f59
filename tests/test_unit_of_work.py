"""One commit rule on every channel: a handler that fails after replying leaves nothing behind,
on Telegram as on WhatsApp (whose replies once committed the update's session on the way)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.config import Settings
from handlers.features import Feature, discover
from services.people import Actor
from services.roles import Role
from storage.models.people import Child
from tests.builders import registered
from tests.conftest import Db, MakeUser
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn


class Broken(Exception):
    pass


async def cmd_half_done(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    """A bad handler: writes without a service, replies, changes state, then fails."""
    session.add(Child(parent_id=actor.person_id, first_name="Half"))
    await state.set_state("half:done")
    await message.answer("Working on it…")
    raise Broken()


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_half_done, Command("halfdone"))
    return router


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    broken = Feature("half_done", router=make_router)
    application = await build_app(settings, features=(*discover(), broken))
    yield application
    await application.close()


async def test_a_failing_handler_leaves_nothing_on_any_channel(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user()
    await registered(app, user, Role.PARENT)
    await user.send("/halfdone")
    assert user.last_text == "Something went wrong on our side. Please try again."
    assert await db.count(Child) == 0
    await user.send("hello")  # the conversation state it set went with the failure
    assert user.last_text == "Sorry, I didn't understand. /help shows what I can do."


async def test_a_reply_failing_after_registration_keeps_what_was_committed(
    app: App, bot: Bot, standin: TelegramStandIn
) -> None:
    """The role step registers (its service commits, with the state it cleared), then the reply
    fails: the person stays registered and out of the flow, whichever store keeps the state."""
    user = TelegramUser(app.dispatcher, bot, standin, 5151, "Ольга", "en")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    standin.fail_next(method="sendMessage", status=500)
    await user.press("Parent")
    assert user.last_text == "Something went wrong on our side. Please try again."
    await user.send("/help")
    assert user.last_text.startswith("Your roles: Parent.")
