"""Recognition: the score from recorded activity, the suggested ranking, a coordinator awarding
a letter in chat (the awardee told, the PDF in Kazakh and Russian, /verify), refusals, and one
letter per volunteer, level and season (raced on PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import scheduler
from bot.app import App
from handlers.courses.pdf import letter_pdf, verify_link
from services.awards.awards import AlreadyAwarded, LetterView, award, my_letters
from services.awards.ranking import ranking
from services.awards.rules import (
    REGIONAL,
    REPUBLICAN,
    Activity,
    Score,
    activity_since,
    award_season,
    local_day,
    score,
)
from services.invites.invites import create_invite, redeem_as_member
from services.personal_data import export_person, forget_person
from services.roles import Role, Scope, ScopeKind
from storage.base import utcnow
from storage.models.awards import Award
from storage.models.courses import Attendance, Certificate
from storage.models.messaging import OutboxMessage
from storage.models.people import Person
from storage.models.volunteers import Institution, School, Squad, SquadSchool, Volunteer
from tests.builders import registered
from tests.conftest import ChatUser, Db, MakeUser
from tests.course_builders import approve, course_in, region_id, session_ids
from tests.test_races import in_session, person, race

SEASON = award_season(local_day(utcnow()))


def test_score_and_season_rules() -> None:
    assert score(Activity(0, 0, False, False)) == Score(0, 0, 0, 0)
    assert score(Activity(4, 1, True, True)) == Score(4, 5, 8, 17)
    assert score(Activity(2, 0, False, True)).total == 5
    assert award_season(date(2026, 8, 31)) == 2026
    assert award_season(date(2026, 11, 25)) == 2026
    assert award_season(date(2027, 3, 1)) == 2026
    assert award_season(date(2027, 6, 1)) == 2027
    assert local_day(activity_since(2026)) == date(2025, 9, 1)


async def coordinator(app: App, user_or_id: ChatUser | int, region: str = "karaganda") -> int:
    """A coordinator of the region: a chat user registered, or a person id."""
    person_id = user_or_id if isinstance(user_or_id, int) else await registered(app, user_or_id)
    async with app.session_factory() as session:
        invite = await create_invite(
            session,
            None,
            frozenset(),
            Role.COORDINATOR,
            Scope(ScopeKind.REGION, await region_id(session, region)),
            ttl=timedelta(days=1),
            bootstrap=True,
        )
        await redeem_as_member(session, person_id, invite.code, "en")
    return person_id


async def named(app: App, person_id: int, name: str, locale: str) -> None:
    async with app.session_factory() as session:
        row = await session.get(Person, person_id)
        assert row is not None
        row.full_name, row.locale = name, locale
        await session.commit()


async def activity(
    app: App, volunteer_id: int, sessions: list[int], course_id: int, *, completed: bool
) -> None:
    async with app.session_factory() as session:
        for session_id in sessions:
            session.add(Attendance(session_id=session_id, volunteer_id=volunteer_id))
        if completed:
            session.add(
                Certificate(
                    code=f"C{volunteer_id:07d}",
                    volunteer_id=volunteer_id,
                    course_id=course_id,
                    locale="en",
                )
            )
        await session.commit()


async def test_ranking_orders_by_recorded_activity(app: App, db: Db) -> None:
    people = [await person(app, str(800 + n)) for n in range(4)]
    names = ["Бота", "Арман", "Ернар", "Жанар"]
    volunteers = []
    for who, name in zip(people, names, strict=True):
        await named(app, who.person_id, name, "kk")
        volunteers.append(await approve(app, who.person_id))
    elsewhere = await person(app, "810")
    await approve(app, elsewhere.person_id, region="aktobe")
    course_id = await course_in(app, utcnow() - timedelta(days=10))
    sessions = await session_ids(app, course_id)
    # Бота: all five sessions and the certificate; Арман: two sessions; Ернар: leads a squad
    # attached to a school; Жанар: nothing recorded.
    await activity(app, volunteers[0], sessions, course_id, completed=True)
    await activity(app, volunteers[1], sessions[:2], course_id, completed=False)
    async with app.session_factory() as session:
        karaganda = await region_id(session, "karaganda")
        institution = Institution(region_id=karaganda, name="Қарағанды университеті")
        session.add(institution)
        await session.flush()
        squad = Squad(institution_id=institution.id, name="Жұлдыз", leader_id=people[2].person_id)
        school = School(region_id=karaganda, district="Октябрьский", name="№ 5 мектеп")
        session.add_all([squad, school])
        await session.flush()
        session.add(SquadSchool(squad_id=squad.id, school_id=school.id, starts_on=date(2026, 5, 1)))
        volunteer = await session.get(Volunteer, volunteers[2])
        assert volunteer is not None
        volunteer.squad_id = squad.id
        await session.commit()

    async with app.session_factory() as session:
        found = await ranking(session, SEASON, REGIONAL, karaganda)
    assert [(r.full_name, r.score.total) for r in found] == [
        ("Бота", 10),
        ("Ернар", 8),
        ("Арман", 2),
        ("Жанар", 0),
    ]
    assert found[0].score == Score(5, 5, 0, 10)
    async with app.session_factory() as session:
        everyone = await ranking(session, SEASON, REPUBLICAN, None)
        assert len(everyone) == 5  # the Aktobe volunteer too
        # a later season counts only its own sessions and courses; squad work is as it is now
        later = await ranking(session, SEASON + 2, REGIONAL, karaganda)
    assert [(r.full_name, r.score.total) for r in later] == [
        ("Ернар", 8),
        ("Арман", 0),
        ("Бота", 0),
        ("Жанар", 0),
    ]


async def test_coordinator_awards_a_letter_in_chat(app: App, make_user: MakeUser, db: Db) -> None:
    chief = make_user("Дмитрий", "en")
    awardee = make_user("Asel", "kk")
    outsider = make_user("Айгүл", "en")
    volunteer = make_user("Ерлан", "en")
    await coordinator(app, chief)
    await coordinator(app, outsider, region="astana")
    person_id = await registered(app, awardee, Role.VOLUNTEER, locale="kk")
    await named(app, person_id, "Әсел Қанатқызы", "kk")
    volunteer_id = await approve(app, person_id)
    other_id = await registered(app, volunteer, Role.VOLUNTEER)
    await approve(app, other_id)

    await volunteer.send("/awards")
    assert volunteer.last_text.startswith("Sorry, /awards is only for ")

    await chief.send("/awards")
    assert "Regional letters of gratitude: Karaganda Region" in chief.last_text
    assert "Әсел Қанатқызы — 0 points: sessions 0, courses 0, squad 0" in chief.last_text
    await chief.press("Әсел")
    assert "What is the letter to Әсел Қанатқызы for?" in chief.last_text
    await chief.send("Жазғы лагерьдегі белсенді жұмысы үшін")
    assert chief.last_text.startswith("Award a letter of gratitude to Әсел Қанатқызы?")
    await outsider.press_data(f"award_yes:{volunteer_id}")  # another region's coordinator
    await chief.press("Award the letter")
    code = await db.scalar(select(Award.code))
    assert chief.last_text.startswith(f"Done: Әсел Қанатқызы is awarded the letter (code {code})")
    assert await db.count(Award) == 1

    notice = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "award_letter"))
    assert notice is not None and "/certificates" in notice.payload["text"]
    assert "Алғыс хат" in notice.payload["text"] or "алғыс хат" in notice.payload["text"]

    await chief.send("/awards")
    assert "✅ Әсел Қанатқызы" in chief.last_text
    await chief.press("Әсел")
    assert chief.alerts()[-1] == "This volunteer already has this season's letter."
    await chief.press_data(f"award_yes:{volunteer_id}")  # not in the confirm step
    assert await db.count(Award) == 1

    await outsider.send("/awards")
    assert "Әсел" not in outsider.last_text
    await outsider.press_data(f"award_pick:{other_id}")  # forged: a Karaganda volunteer
    assert outsider.alerts()[-1] == "This button is out of date."
    assert await db.count(Award) == 1

    await awardee.send("/certificates")
    name, body, _caption = await awardee.document()
    assert name == f"letter-{code}.pdf"
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Әсел Қанатқызы" in text, text
    assert "Алғыс хат" in text, text
    assert "Жазғы лагерьдегі белсенді жұмысы үшін" in text
    assert code in text

    await awardee.send("/volunteer")  # the profile lists the letter
    assert code in awardee.last_text and "Қарағанды облысы" in awardee.last_text

    await volunteer.send(f"/verify {code.lower()}")
    assert volunteer.last_text.startswith(f"Letter {code} is genuine.")
    assert "Әсел Қанатқызы was awarded a regional letter of gratitude (Karaganda Region)" in (
        volunteer.last_text
    )

    async with app.session_factory() as session:
        data = await export_person(session, person_id, app.assembly.hooks)
    assert data["letters_of_gratitude"][0]["code"] == code


async def test_letter_pdf_in_russian(app: App, db: Db) -> None:
    i18n = scheduler.shared_i18n()
    view = LetterView(
        "ABCD2345", "Ольга Ким", REPUBLICAN, "", 2026, "За работу с детьми", utcnow(), "ru"
    )
    with i18n.context(), i18n.use_locale("ru"):
        body = letter_pdf(view, verify_link(view.code, "qamqor_bot", None))
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Благодарственное письмо" in text, text
    assert "Ольга Ким" in text and "За работу с детьми" in text and "ABCD2345" in text


async def test_one_letter_per_volunteer_level_and_season(app: App, db: Db) -> None:
    """Defect: a check in Python lets two coordinators awarding at once issue two letters."""
    chiefs = [await person(app, str(900 + n)) for n in range(3)]
    for chief in chiefs:
        await coordinator(app, chief.person_id)
    awardee = await person(app, "950")
    volunteer_id = await approve(app, awardee.person_id)

    def awarding(person_id: int) -> Any:
        async def act(session: AsyncSession) -> Any:
            return await award(
                session, person_id, False, volunteer_id, SEASON, None, lambda _letter: "ok"
            )

        return in_session(app, act)

    results = await race(
        app, "LOCK TABLE award IN EXCLUSIVE MODE", [awarding(c.person_id) for c in chiefs]
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert all(isinstance(r, AlreadyAwarded) for r in results if isinstance(r, BaseException))
    assert await db.count(Award) == 1
    notices = await db.all(select(OutboxMessage).where(OutboxMessage.kind == "award_letter"))
    assert len(notices) == 1  # one notice, to the one awardee

    async with app.session_factory() as session:
        assert len(await my_letters(session, awardee.person_id)) == 1
    async with app.session_factory() as session:
        await forget_person(session, awardee.person_id, app.assembly.hooks)
    assert await db.count(Award) == 0
