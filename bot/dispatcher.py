"""One Dispatcher for every transport: polling, webhook, WhatsApp and the console."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares import ActorMiddleware, PersonI18nMiddleware, SessionMiddleware
from handlers import get_routers
from handlers.deeplinks import DeepLinks
from handlers.errors import router as errors_router


def build_dispatcher(
    session_factory: async_sessionmaker[AsyncSession],
    storage: BaseStorage,
    i18n: I18n,
    *,
    links: DeepLinks | None = None,
) -> Dispatcher:
    # FSM is re-registered below, inside our session, so state reads share its transaction.
    dp = Dispatcher(storage=storage, disable_fsm=True, links=links or DeepLinks())
    # Update-level, so callbacks and every other event type get a session too.
    dp.update.outer_middleware(SessionMiddleware(session_factory))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(ActorMiddleware())
    PersonI18nMiddleware(i18n).setup(dp)
    dp.include_routers(*get_routers(), errors_router)
    return dp


def release_routers(dp: Dispatcher) -> None:
    """Detach the module-level routers so another Dispatcher (tests, benchmarks) can take them.

    aiogram has no public detach; a router refuses a second parent otherwise.
    """
    for router in dp.sub_routers:
        router._parent_router = None
    dp.sub_routers.clear()
