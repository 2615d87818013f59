"""The volunteer movement's demo in the console simulator: the Karaganda coordinator's waiting
applications, and the demo volunteer's approved profile with the centre's links."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models.people import Person
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


async def test_a_newcomer_registers_as_a_volunteer_in_the_simulator(app: App, db: Db) -> None:
    """The movement's must-show in the simulator: a newcomer applies with wrong answers on the
    way, the region's coordinator approves, and the simulator's :outbox shows the news as the
    volunteer reads it. (Check-in and the certificate: tests/test_volunteer_journey.py.)"""
    text, steps = await transcript(
        app,
        ":as new",
        "Сәлем",
        "3",  # English
        "1",  # I agree
        "Volunteer",
        "жоқ",  # not a name
        "Асель Нұрланқызы",
        "12345",  # not a phone number
        "+7 701 234 56 78",
        "31.02.2004",  # no such day
        "05.03.2004",
        "Марс",  # no such region
        "караганда",
        "My institution is not listed",
        "Қарағанды техникалық колледжі",
        "No squad yet",
        "Submit",
        ":as coordinator",
        "/applications",
        "Асель",
        "1",
        ":outbox",
    )
    by_typed = {s.typed: s.output for s in steps}
    assert "Қазақша" in by_typed["Сәлем"]
    assert "first name and surname" in by_typed["жоқ"]
    assert "not a Kazakhstan mobile number" in by_typed["12345"]
    assert "There is no such date." in by_typed["31.02.2004"]
    assert "I don't know a region called “Марс”" in by_typed["Марс"]
    assert "university or college" in by_typed["караганда"]
    assert "Sent!" in by_typed["Submit"]
    volunteer = await db.scalar(
        select(Volunteer)
        .join(Person, Person.id == Volunteer.person_id)
        .where(Person.full_name == "Асель Нұрланқызы")
    )
    assert volunteer is not None and volunteer.status == "approved"
    assert "Your volunteer application is approved" in by_typed[":outbox"], text[-2000:]
