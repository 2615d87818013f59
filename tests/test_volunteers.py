"""Volunteer registration by chat, a parent's consent and the coordinator's decision, end to
end through the real Dispatcher on every channel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from services import volunteers
from services.invites.invites import create_invite, redeem_as_member
from services.names import typed_matches
from services.personal_data import export_person, forget_person
from services.roles import Role, Scope, ScopeKind
from services.volunteers.rules import (
    BirthDateProblem,
    InvalidBirthDate,
    age_on,
    clean_name,
    full_name,
    parse_birth_date,
    parse_phone,
)
from storage.models.messaging import OutboxMessage
from storage.models.org import Region
from storage.models.people import ConsentRecord, Person
from storage.models.volunteers import Centre, Institution, Squad, Volunteer
from tests.builders import registered
from tests.conftest import ChatUser, Db, MakeUser
from tests.driver import TelegramUser

TODAY = date(2026, 11, 25)


def test_phone_rules() -> None:
    assert parse_phone("+7 701 234 56 78") == "+77012345678"
    assert parse_phone("8 701 234 56 78") == "+77012345678"
    assert parse_phone("12345") is None
    assert parse_phone("+7 999") is None
    assert parse_phone("+7 999 123 45 67") is None  # a Russian number
    assert parse_phone("") is None


def test_birth_date_rules() -> None:
    assert parse_birth_date("05.03.2008", TODAY, 16) == date(2008, 3, 5)
    assert parse_birth_date("5.3.2008", TODAY, 16) == date(2008, 3, 5)
    assert parse_birth_date("2008-03-05", TODAY, 16) == date(2008, 3, 5)
    for text, problem in (
        ("05.03.2030", BirthDateProblem.FUTURE),
        ("31.02.2008", BirthDateProblem.IMPOSSIBLE),
        ("01.01.2015", BirthDateProblem.TOO_YOUNG),
        ("yesterday", BirthDateProblem.FORMAT),
        ("01.01.1900", BirthDateProblem.IMPOSSIBLE),
    ):
        with pytest.raises(InvalidBirthDate) as raised:
            parse_birth_date(text, TODAY, 16)
        assert raised.value.problem is problem
    assert parse_birth_date("25.11.2010", TODAY, 16) == date(2010, 11, 25)  # 16 today
    with pytest.raises(InvalidBirthDate):
        parse_birth_date("26.11.2010", TODAY, 16)  # 16 tomorrow
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17


def test_name_rules() -> None:
    assert clean_name("  Айгерім   Серікова ") == "Айгерім Серікова"
    assert clean_name("") is None
    assert clean_name("   ") is None
    assert clean_name("A\x00b") is None
    assert clean_name("x" * 121) is None
    assert full_name("  Айгерім   Серікова ") == "Айгерім Серікова"
    assert full_name("жоқ") is None  # "no" typed at the question is not a name
    assert full_name("Айгерім 1") is None


def test_typed_words_find_names_in_any_language() -> None:
    assert typed_matches("Қарағанды", "Қарағанды облысы")
    assert typed_matches("караганда", "Карагандинская область")
    assert typed_matches("алматы обл", "Алматы облысы")
    assert not typed_matches("алматы обл", "Алматы қаласы")
    assert not typed_matches("Марс", "Маңғыстау облысы")
    assert not typed_matches("", "Абай облысы")


async def karaganda(db: Db) -> int:
    return int(await db.scalar(select(Region.id).where(Region.name_en == "Karaganda Region")))


async def coordinator_of(app: App, user: ChatUser, region_id: int) -> int:
    person_id = await registered(app, user)
    async with app.session_factory() as session:
        view = await create_invite(
            session,
            None,
            frozenset(),
            Role.COORDINATOR,
            Scope(ScopeKind.REGION, region_id),
            ttl=timedelta(days=1),
            bootstrap=True,
        )
        await redeem_as_member(session, person_id, view.code, "en")
    return person_id


async def register_as_volunteer(user: object, birth: str) -> None:
    """From /start to the summary's Submit, answering everything right (and some wrong)."""
    await user.send("/start")  # type: ignore[attr-defined]
    await user.press("English")  # type: ignore[attr-defined]
    await user.press("I agree")  # type: ignore[attr-defined]
    await user.press("Volunteer")  # type: ignore[attr-defined]


async def test_newcomer_registers_and_coordinator_approves(
    app: App, make_user: MakeUser, db: Db
) -> None:
    region = await karaganda(db)
    coordinator = make_user("Ержан", "en")
    await coordinator_of(app, coordinator, region)
    stranger = make_user("Бөгде", "en")
    await coordinator_of(app, stranger, region + 1)

    user = make_user("Dana", "en")
    await register_as_volunteer(user, "")
    assert "Your full name?" in user.last_text
    await user.send("   ")  # an empty name: WhatsApp sends no text at all
    assert "Your full name?" in user.last_text
    await user.send("123")
    assert user.last_text.startswith("I need your first name and surname")
    await user.send("жоқ")  # "no" is not a name
    assert user.last_text.startswith("I need your first name and surname")
    await user.send("Дана Асқарқызы")
    assert "phone number" in user.last_text
    await user.send("12345")
    assert user.last_text.startswith("That is not a Kazakhstan mobile number")
    await user.send("+7 999")
    assert user.last_text.startswith("That is not a Kazakhstan mobile number")
    await user.send("+7 701 234 56 78")
    assert "date of birth" in user.last_text
    await user.send("05.03.2040")
    assert user.last_text.startswith("That date is in the future")
    await user.send("01.01.2015")
    assert user.last_text.startswith("Volunteers must be at least 16")
    await user.send("05.03.2000")
    assert "Your region?" in user.last_text
    await user.send("Atlantis")  # not a region
    assert user.last_text.startswith("I don't know a region called “Atlantis”.")
    assert "Your region?" in user.last_text and len(user.buttons()) == 10
    await user.send("Алматы")  # the city or the region: which?
    assert user.last_text == "Which of these?"
    assert user.buttons() == ["Almaty city", "Almaty Region"]
    await user.send("караганда")  # typed, in Russian, with another ending: on page 2
    assert "university or college" in user.last_text
    assert await db.count(Volunteer) == 0
    await user.press("not listed")
    await user.send("Қарағанды техникалық колледжі")
    assert "Your pedagogical squad?" in user.last_text
    await user.press("No squad yet")
    assert "Check your application" in user.last_text
    assert "Дана Асқарқызы" in user.last_text
    assert await db.count(Volunteer) == 0  # nothing before Submit
    await user.press("Submit")
    assert user.last_text.startswith("Sent!")

    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending" and volunteer.region_id == region
    person = await db.scalar(select(Person).where(Person.id == volunteer.person_id))
    assert person.phone == "+77012345678" and person.full_name == "Дана Асқарқызы"
    cards = await db.all(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_card"))
    assert len(cards) == 1 and "Дана Асқарқызы" in cards[0].payload["text"]

    await coordinator.send("/applications")
    await coordinator.press("Дана")
    assert coordinator.last_text.startswith("Volunteer application")
    await coordinator.press("Approve")
    assert coordinator.last_text == "Approved: Дана Асқарқызы. They will be told."
    if isinstance(coordinator, TelegramUser):  # WhatsApp closed the card's options
        await coordinator.press("Approve")  # again: already decided
        assert coordinator.last_text == "This application has already been decided."
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "approved"
    told = await db.all(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_result"))
    assert len(told) == 1 and "approved" in told[0].payload["text"]

    await user.send("/volunteer")
    assert "Status: approved" in user.texts()[-1]

    # a change of region goes back to the coordinator
    await user.press("Edit")
    await user.press("Дана")
    await user.send("+77012345678")
    await user.send("05.03.2000")
    await user.press("Abai")
    await user.press("not listed")
    await user.send("Абай колледжі")
    await user.press("No squad yet")
    await user.press("Submit")
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending"

    # a coordinator of another region neither sees nor decides it
    await stranger.send("/applications")
    assert stranger.last_text == "No applications are waiting."
    await stranger.press_data(f"v_review:{volunteer.id}:1")
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending"

    # a volunteer cannot decide
    await user.send("/applications")
    assert "only for" in user.last_text


async def test_minor_waits_for_a_parent_whose_link_works_once(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user("Ali", "en")
    await register_as_volunteer(user, "")
    await user.send("Ali Nurlanuly")
    await user.send("+7 701 234 56 78")
    await user.send("05.03.2009")
    while "Karaganda Region" not in user.buttons():
        await user.press("More")
    await user.press("Karaganda Region")
    await user.press("not listed")
    await user.send("Қарағанды гуманитарлық колледжі")
    await user.press("No squad yet")
    await user.press("Submit")
    assert "under 18" in user.last_text
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "awaiting_parent"
    code = volunteer.parent_code

    parent = make_user("Асқар", "en")
    await parent.send(f"/start parent_{code}")
    assert "Do you consent?" in parent.last_text
    await parent.press("I consent")
    assert parent.last_text.startswith("Thank you!")
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending" and volunteer.parent_consent_by_id is not None
    purposes = await db.all(
        select(ConsentRecord.purpose).where(
            ConsentRecord.person_id == volunteer.parent_consent_by_id
        )
    )
    assert "parent_for_volunteer" in purposes

    again = make_user("Бөтен", "en")
    await again.send(f"/start parent_{code}")
    assert "This link has already been used or is out of date." in again.last_text


async def karaganda_directory(app: App, region_id: int) -> None:
    async with app.session_factory() as session:
        centre = await session.scalar(select(Centre).where(Centre.region_id == region_id))
        assert centre is not None
        centre.work_plan_url = "https://example.kz/plan.pdf"
        centre.instagram_url = "https://instagram.com/koshbasshy_krg"
        university = Institution(region_id=region_id, name="Қарағанды университеті")
        session.add(university)
        await session.flush()
        session.add(Squad(institution_id=university.id, name="«Жас ұлан»", join_code="KRG101"))
        await session.commit()


async def test_squad_code_own_number_admin_card_profile_and_personal_data(
    app: App, make_user: MakeUser, db: Db
) -> None:
    region = await karaganda(db)
    await karaganda_directory(app, region)
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN)  # the region has no coordinator: admins decide

    user = make_user("Дана Серікова", "en")  # a full name in the messenger: offered as it is
    await register_as_volunteer(user, "")
    await user.press("Дана Серікова")
    if isinstance(user, TelegramUser):
        assert user.requests("sendMessage")[-1].params["reply_markup"]["keyboard"][0][0][
            "request_contact"
        ]
        await user.send("8 701 234 56 78")
        phone = "+77012345678"
    else:
        await user.press("Use this number")  # WhatsApp knows it
        phone = f"+{user.external_id}"
    await user.send("2000-03-05")
    while "Karaganda Region" not in user.buttons():
        await user.press("More")
    await user.press("Karaganda Region")
    assert "Қарағанды университеті" in user.buttons()
    await user.press("Қарағанды университеті")
    await user.press("Join with a code")
    await user.send("NOPE42")
    assert user.last_text.startswith("No squad of your region has this code")
    await user.press("Join with a code")
    await user.send("krg101")
    assert "«Жас ұлан»" in user.last_text and phone in user.last_text
    await user.press("Submit")

    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending" and volunteer.squad_id is not None
    card = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_card"))
    approve = card.payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await admin.press_data(approve)
    assert admin.last_text == "Approved: Дана Серікова. They will be told."

    await user.send("/volunteer")
    profile = user.texts()[-1]
    assert "Status: approved" in profile and "«Жас ұлан»" in profile
    assert "Work plan: https://example.kz/plan.pdf" in profile and "Instagram" in profile

    # an edit within the region keeps the profile approved
    await user.press("Edit")
    await user.press("Дана")
    await user.send("+7 701 234 56 78")
    await user.send("5.3.2000")
    while "Karaganda Region" not in user.buttons():
        await user.press("More")
    await user.press("Karaganda Region")
    await user.press("Қарағанды университеті")
    await user.press("No squad yet")
    await user.press("Submit")
    assert user.last_text == "Saved. Your profile is up to date."
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "approved" and volunteer.squad_id is None

    async with app.session_factory() as session:
        exported = await export_person(session, volunteer.person_id, [volunteers.HOOKS])
    assert exported["volunteer"]["status"] == "approved"
    async with app.session_factory() as session:
        await forget_person(session, volunteer.person_id, [volunteers.HOOKS])
    assert await db.count(Volunteer) == 0


async def test_a_volunteer_cannot_open_applications_nor_decide(
    app: App, make_user: MakeUser, db: Db
) -> None:
    coordinator = make_user("Ержан", "en")
    await coordinator_of(app, coordinator, await karaganda(db))
    user = make_user("Ali", "en")
    person_id = await registered(app, user, Role.VOLUNTEER)
    async with app.session_factory() as session:
        session.add(Volunteer(person_id=person_id, region_id=await karaganda(db), status="pending"))
        await session.commit()
    volunteer = await db.scalar(select(Volunteer))
    await user.send("/applications")
    assert "only for" in user.last_text
    await user.press_data(f"v_review:{volunteer.id}:1")
    assert (await db.scalar(select(Volunteer))).status == "pending"


async def test_coordinator_confirms_an_institution_typed_in_and_others_cannot(
    app: App, make_user: MakeUser, db: Db
) -> None:
    region = await karaganda(db)
    coordinator = make_user("Ержан", "en")
    await coordinator_of(app, coordinator, region)
    stranger = make_user("Бөгде", "en")
    await coordinator_of(app, stranger, region + 1)
    async with app.session_factory() as session:
        session.add(Institution(region_id=region, name="Жаңа колледж", confirmed=False))
        await session.commit()
    institution = await db.scalar(select(Institution))

    await stranger.send("/applications")
    assert stranger.last_text == "No applications are waiting."
    await stranger.press_data(f"v_inst_ok:{institution.id}")
    assert not (await db.scalar(select(Institution))).confirmed

    await coordinator.send("/applications")
    await coordinator.press("Confirm: Жаңа колледж")
    assert coordinator.last_text == "Confirmed: Жаңа колледж. Volunteers can pick it now."
    assert (await db.scalar(select(Institution))).confirmed


async def test_rejection_with_a_reason_is_told_and_shown(
    app: App, make_user: MakeUser, db: Db
) -> None:
    region = await karaganda(db)
    coordinator = make_user("Ержан", "en")
    await coordinator_of(app, coordinator, region)
    user = make_user("Ali", "en")
    person_id = await registered(app, user, Role.VOLUNTEER)
    async with app.session_factory() as session:
        session.add(Volunteer(person_id=person_id, region_id=region, status="pending"))
        await session.commit()

    await coordinator.send("/applications")
    await coordinator.press("Ali")
    await coordinator.press("Reject")
    assert coordinator.last_text.startswith("Why is it rejected?")
    await coordinator.send("Please add your squad")
    assert coordinator.last_text == "Rejected: Ali. They will be told."
    told = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_result"))
    assert "Reason: Please add your squad" in told.payload["text"]
    await user.send("/volunteer")
    assert "Status: rejected" in user.texts()[-1]
    assert "Reason: Please add your squad" in user.texts()[-1]
    assert user.buttons() == ["✏️ Edit my application"]
