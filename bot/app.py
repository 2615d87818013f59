"""The process-wide pieces, built once from Settings in main() and shared by every transport."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.assembly import Assembly, assemble
from bot.config import Settings
from bot.dispatcher import build_dispatcher
from bot.i18n import make_i18n
from bot.state.ledger import UpdateLedger
from bot.state.relay import PeopleRelay
from bot.state.stores import DatabaseStates, RedisStates, StateStore
from handlers.common.deeplinks import DeepLinks
from handlers.features import Feature
from services.known_people import KnownPeople
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    i18n: I18n
    assembly: Assembly
    states: StateStore
    dispatcher: Dispatcher
    links: DeepLinks

    people: KnownPeople
    ledger: UpdateLedger
    relay: PeopleRelay

    async def close(self) -> None:
        await self.relay.close()
        await self.people.close()
        self.ledger.close()
        await self.states.close()
        await self.engine.dispose()


def make_states(settings: Settings) -> StateStore:
    if settings.redis_url:
        return RedisStates(settings.redis_url)
    return DatabaseStates(write_behind=settings.state_write_behind_ms / 1000)


async def build_app(
    settings: Settings,
    *,
    migrate: bool = True,
    features: tuple[Feature, ...] | None = None,
    serving: bool = True,
) -> App:
    """`features`: every one under handlers/ when None (tests add their own). `serving`: the
    process handles updates and keeps the update journal (the operator's commands do not)."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    session_factory = create_session_factory(engine)
    i18n = make_i18n()
    assembly = assemble(timedelta(days=settings.processed_update_retention_days), features)
    number = (settings.twilio_whatsapp_from or "").removeprefix("whatsapp:+")
    links = DeepLinks(whatsapp_number=number if settings.whatsapp_enabled else None)
    states = make_states(settings)
    # Memory in front of the database for the ordinary update; filled once, kept up to date.
    people = KnownPeople()
    relay = await PeopleRelay.start(engine, people, settings.redis_url)
    await people.load(session_factory)
    if isinstance(states, DatabaseStates):
        await states.preload(session_factory)
    ledger = UpdateLedger(settings.update_journal_path)
    if serving:
        await ledger.open(session_factory)
    dispatcher = build_dispatcher(
        session_factory, states, i18n, assembly, links=links, people=people, ledger=ledger
    )
    dispatcher["volunteer_min_age"] = settings.volunteer_min_age
    return App(
        settings,
        engine,
        session_factory,
        i18n,
        assembly,
        states,
        dispatcher,
        links,
        people,
        ledger,
        relay,
    )
