"""The volunteer movement's demo in the console simulator: the Karaganda coordinator's waiting
applications, and the demo volunteer's approved profile with the centre's links."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models.volunteers import Volunteer
from tests.conftest import Db
from tests.test_console import transcript


async def test_coordinator_decides_a_demo_application(app: App, db: Db) -> None:
    _, steps = await transcript(
        app,
        ":as coordinator",
        "/applications",
        "1",
        "1",
        ":as volunteer",
        "/volunteer",
        ":outbox",
    )
    listed, opened, approved, _, profile, outbox = (s.output for s in steps[1:7])
    assert "Дана Сұлтанқызы" in listed and "Максим Ким" in listed
    assert "Дана Сұлтанқызы" in opened
    assert "Дана Сұлтанқызы" in approved
    assert "мақұлданды" in profile and "https://" in profile  # kk: approved, with the centre
    assert "Ерікті көшбасшы өтініміңіз мақұлданды" in outbox
    statuses = await db.all(select(Volunteer.status).order_by(Volunteer.id))
    # and the three approved volunteers of the awards' demo ranking
    assert sorted(statuses) == ["approved"] * 5 + ["pending"]
