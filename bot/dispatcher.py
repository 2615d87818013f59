"""One Dispatcher for every transport: polling, webhook, WhatsApp and the console."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.assembly import Assembly
from bot.middlewares.commands import CommandCaseMiddleware
from bot.middlewares.i18n import PersonI18nMiddleware
from bot.middlewares.steps import ResumeStepMiddleware
from bot.middlewares.update import UpdateMiddleware
from bot.state.ledger import UpdateLedger
from bot.state.stores import StateStore
from handlers.common.deeplinks import DeepLinks
from handlers.features import routers
from services.known_people import KnownPeople


def build_dispatcher(
    session_factory: async_sessionmaker[AsyncSession],
    states: StateStore,
    i18n: I18n,
    assembly: Assembly,
    *,
    links: DeepLinks | None = None,
    people: KnownPeople,
    ledger: UpdateLedger,
) -> Dispatcher:
    # aiogram's own FSM middleware is off: ours reads state from memory and writes it with the
    # update's commit.
    dp = Dispatcher(
        disable_fsm=True,
        links=links or DeepLinks(),
        menu=assembly.menu,
        hooks=assembly.hooks,
        steps=assembly.steps,
    )
    dp.update.outer_middleware(CommandCaseMiddleware())
    # Update-level, so callbacks and every other event type get a session too.
    dp.update.outer_middleware(UpdateMiddleware(session_factory, states, people, ledger))
    PersonI18nMiddleware(i18n).setup(dp)
    dp.message.middleware(ResumeStepMiddleware())
    dp.include_routers(*routers(assembly.features))
    return dp
