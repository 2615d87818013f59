"""A new feature is one package per layer: plugged in, it gets its command, its place in /help,
the "/" menu and refusals, its part of /mydata, /forget and the purge, and its reminders, with
no shared file changed (the example lives in tests/example_feature/)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import timedelta

import pytest
from aiogram import Router
from sqlalchemy import func, select

import handlers
import tests.example_feature.handlers as example_handlers
from bot import scheduler
from bot.app import App, build_app
from bot.assembly import Assembly, assemble
from bot.config import Settings
from handlers.features import Feature, discover, routers
from services.maintenance import purge
from services.roles import Role
from storage.base import utcnow
from tests.builders import registered
from tests.conftest import Db, MakeUser
from tests.example_feature.models import Note, NotesBase


def features() -> tuple[Feature, ...]:
    return discover(handlers, example_handlers)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    """The project's App with the example feature found next to the project's own."""
    application = await build_app(settings, features=features())
    async with application.engine.begin() as connection:
        await connection.run_sync(NotesBase.metadata.create_all)  # its migration, in the tree
    yield application
    async with application.engine.begin() as connection:
        await connection.run_sync(NotesBase.metadata.drop_all)
    await application.close()


def test_discovery_finds_the_project_features_in_order() -> None:
    names = [f.name for f in discover()]
    assert names[:2] == ["private_only", "cancel"] and names[-1] == "fallback"
    assert {"onboarding", "privacy", "linking", "invites", "messaging"} <= set(names)
    assert "notes" in [f.name for f in features()]


async def test_a_plugged_in_feature_gets_every_hook(
    app: App, make_user: MakeUser, db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, other = make_user("Айгерім"), make_user("Дана")
    await registered(app, user, Role.VOLUNTEER)
    await registered(app, other, Role.PARENT)
    await user.send("/note Buy paint for the camp")
    assert user.last_text == "Noted. Notes kept: 1."
    await user.send("/help")
    assert "/note — Keep a note" in user.last_text
    await other.send("/note hello")  # the feature's role filter, and the shared refusal
    assert other.last_text.startswith("Sorry, /note is only for volunteers.")

    await user.send("/mydata")
    _, body, _ = await user.document()
    assert [n["text"] for n in json.loads(body)["notes"]] == ["Buy paint for the camp"]

    def with_notes(days: int) -> Assembly:
        return assemble(timedelta(days=days), features())

    monkeypatch.setattr(scheduler, "features", with_notes)
    url = app.settings.database_url
    assert await scheduler.tick(url, 180, now=utcnow() + timedelta(hours=2)) == 1
    async with app.session_factory() as session:
        counts = await purge(session, utcnow() + timedelta(days=31), app.assembly.hooks)
    assert counts["notes"] == 1

    await user.send("/note Call the parents")
    await user.send("/forget")
    await user.press("Yes, delete everything")
    assert await db.scalar(select(func.count()).select_from(Note)) == 0
    await scheduler.dispose_job_engines()


def every_router(routers_: Iterable[Router]) -> Iterator[Router]:
    for router in routers_:
        yield router
        yield from every_router(router.sub_routers)


def test_every_filter_and_handler_is_a_coroutine() -> None:
    """aiogram runs a synchronous filter or handler (F-magic, a bare State) in a thread: two
    thread hops on every message cost more than the rest of an ordinary update."""
    synchronous = []
    for router in every_router(routers(discover())):
        for kind, observer in router.observers.items():
            for handler in observer.handlers:
                for callable_ in (handler, *(handler.filters or ())):
                    if not callable_.awaitable:
                        synchronous.append(f"{router.name}.{kind}: {callable_.callback}")
            # The router-level filters (router.message.filter(...)).
            for filter_ in observer._handler.filters or ():
                if not filter_.awaitable:
                    synchronous.append(f"{router.name}.{kind}: {filter_.callback}")
    assert synchronous == []
