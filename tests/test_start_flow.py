"""/start → language → consent → role, over real HTTP to the stand-in, on a real database."""

from __future__ import annotations

from sqlalchemy import select

from storage.models.people import ConsentRecord, Person, RoleGrant
from tests.conftest import Db, MakeUser


async def test_newcomer_registers_as_volunteer(make_user: MakeUser, db: Db) -> None:
    user = make_user("Айгерім", "ru")
    await user.send("/start")
    assert user.buttons() == ["Қазақша", "Русский", "English"]
    await user.press("English")
    assert "Operator" in user.last_text
    assert await db.count(Person) == 0
    await user.press("I agree")
    assert user.last_text == "Who are you?"
    await user.press("Volunteer")
    person = await db.scalar(select(Person))
    assert person is not None and person.locale == "en" and person.full_name == "Айгерім"
    assert await db.all(select(RoleGrant.role)) == ["volunteer"]
    consent = await db.scalar(select(ConsentRecord))
    assert consent is not None and consent.purpose == "self"
