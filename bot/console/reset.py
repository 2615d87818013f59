"""`:reset`: the console's database as on a first start, with the demo people loaded again."""

from __future__ import annotations

from bot.app import App
from bot.state.stores import DatabaseStates
from services.demo import DemoPersona, load_demo
from storage.changes import PeopleChange
from storage.migrate import downgrade, upgrade


async def fresh_demo(app: App) -> list[DemoPersona]:
    """Every table dropped and made again by the migrations (their seed data too), then the
    demo loaded; the process's caches of people and conversations start over with it."""
    if isinstance(app.states, DatabaseStates):
        await app.states.flush()  # nothing written behind may land in the new tables
    await downgrade(app.engine)
    await upgrade(app.engine)
    # Dropped tables tell no commit listener: the caches are told here.
    app.people.forget(PeopleChange(everyone=True))
    await app.people.load(app.session_factory)
    if isinstance(app.states, DatabaseStates):
        await app.states.preload(app.session_factory)
    async with app.session_factory() as session:
        return await load_demo(session)
