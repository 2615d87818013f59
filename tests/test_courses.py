"""Courses end to end: enrolment, reminders from the tick, check-in by code word on five
sessions, the certificate PDF and /verify; refusals; the last seat on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

import services.courses.attendance as attendance_module
from bot import scheduler
from bot.app import App
from bot.scheduler import dispose_job_engines, tick
from handlers.courses.pdf import certificate_pdf, verify_link
from services.courses.attendance import (
    attendance_history,
    check_in,
    roll_call,
    set_code_word,
    toggle_mark,
)
from services.courses.certificates import my_certificates, verify
from services.courses.courses import (
    CourseProblem,
    enrol_region,
    enrol_squad_leaders,
    sign_up,
)
from services.courses.reminders import DAY_BEFORE, SOON
from services.courses.rules import (
    MAX_WRONG_CODES,
    in_window,
    is_conference_url,
    needed,
    parse_sessions,
    same_code_word,
)
from services.personal_data import export_person, forget_person
from services.roles import Role
from storage.base import utcnow
from storage.models.courses import Attendance, Certificate, Course, CourseSession, Enrolment
from storage.models.messaging import OutboxMessage
from storage.models.people import Person
from storage.models.volunteers import Institution, Squad
from tests.builders import registered
from tests.conftest import Db, MakeUser
from tests.course_builders import (
    TITLE_EN,
    TITLE_KK,
    TITLE_RU,
    URL,
    approve,
    approved_volunteer,
    course_in,
    session_ids,
)
from tests.test_races import in_session, person, race

T0 = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 18:00 in Almaty


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def clock(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Clock]:
    """The check-in's "now", set by the test."""
    at = Clock()
    monkeypatch.setattr(attendance_module, "utcnow", at)
    yield at
    await dispose_job_engines()


def test_rules() -> None:
    start, end = T0, T0 + timedelta(hours=2)
    assert in_window(T0 - timedelta(minutes=10), start, end, 10)
    assert not in_window(T0 - timedelta(minutes=11), start, end, 10)
    assert in_window(end, start, end, 10)
    assert not in_window(end + timedelta(seconds=1), start, end, 10)
    assert same_code_word(" Көк-тау ", "көк тау")
    assert not same_code_word("1234", None)
    assert needed(5, None) == 5 and needed(5, 4) == 4 and needed(5, 9) == 5
    assert parse_sessions("02.12.2026 18:00\n\n 01.12.2026  18:00 ") == [
        (T0, T0 + timedelta(hours=2)),
        (T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2)),
    ]
    assert parse_sessions("31.02.2026 18:00") is None
    assert parse_sessions("") is None
    assert is_conference_url("https://meet.jit.si/x") and not is_conference_url("javascript:x")


async def test_volunteer_is_reminded_checks_in_five_times_and_gets_a_certificate(
    app: App, make_user: MakeUser, db: Db, clock: Clock
) -> None:
    user = make_user("Asel", "en")
    person_id, volunteer_id = await approved_volunteer(app, user)
    trainer_id = await registered(app, make_user("Aigul", "en"), Role.VOLUNTEER)
    course_id = await course_in(app, T0, trainer_id=trainer_id)
    sessions = await session_ids(app, course_id)
    assert await db.count(Enrolment) == 1

    url = app.settings.database_url
    await tick(url, 180, now=T0 - timedelta(days=1) + timedelta(minutes=1))
    await tick(url, 180, now=T0 - timedelta(minutes=14))
    await tick(url, 180, now=T0 - timedelta(minutes=13))  # nothing twice
    rows = await db.all(select(OutboxMessage).order_by(OutboxMessage.id))
    assert [r.kind for r in rows] == [DAY_BEFORE, SOON]
    assert all(URL in r.payload["text"] and TITLE_EN in r.payload["text"] for r in rows)
    assert rows[0].payload["text"].startswith("Tomorrow, December 1, 2026, 6:00")
    assert rows[1].dedup_key == f"{SOON}:{sessions[0]}:{volunteer_id}"

    await user.send("/courses")
    assert TITLE_EN in user.last_text and URL in user.last_text
    assert "Attended: 0 of 5" in user.last_text

    clock.now = T0 - timedelta(hours=1)  # before the window opens
    await user.send("/checkin 1111")
    assert user.last_text.startswith("No session of yours is open for check-in now")

    for n, session_id in enumerate(sessions):
        async with app.session_factory() as session:
            word = await set_code_word(session, trainer_id, session_id, f"alma {n}")
        clock.now = T0 + timedelta(days=n, minutes=-5)
        if n == 0:
            await user.send("/checkin pear")
            assert user.last_text == "That is not the code word of this session. Tries left: 4."
        await user.send("/checkin")
        assert user.last_text.startswith("Type the code word")
        if n == 0:  # a command of a feature placed after this one is not taken for a word
            await user.send("/role")
            assert "Your roles: Volunteer" in "\n".join(user.texts()[-3:]), user.texts()[-3:]
            await user.send("/checkin")
        await user.send(word.upper())
        assert user.last_text.startswith(f"You are marked present at session {n + 1} of")
    assert "You have completed the course!" in user.last_text
    await user.send("/checkin alma 4")
    assert user.last_text.startswith("You are already marked present at session 5")
    assert await db.count(Attendance) == 5
    assert await db.count(Certificate) == 1
    code = await db.scalar(select(Certificate.code))

    await user.send("/certificates")
    name, body, caption = await user.document()
    assert name == f"certificate-{code}.pdf"
    assert code in caption
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Asel" in text and TITLE_EN in text and code in text

    await user.send(f"/verify {code.lower()}")
    assert user.last_text.startswith(f"Certificate {code} is genuine.")
    assert "Asel completed" in user.last_text
    await user.send("/verify ZZZZ2345")
    assert user.last_text.startswith("No certificate has this code")
    await user.send(f"/start verify_{code}")
    assert user.last_text.startswith(f"Certificate {code} is genuine.")

    async with app.session_factory() as session:
        data = await export_person(session, person_id, app.assembly.hooks)
    assert len(data["course_attendance"]) == 5
    assert data["certificates"][0]["code"] == code


async def test_refusals_wrong_codes_are_capped_and_the_trainer_corrects(
    app: App, db: Db, clock: Clock
) -> None:
    volunteer = await person(app, "501")
    volunteer_id = await approve(app, volunteer.person_id)
    other = await person(app, "502")
    trainer = await person(app, "503")
    course_id = await course_in(app, T0, trainer_id=trainer.person_id)
    first = (await session_ids(app, course_id))[0]
    async with app.session_factory() as session:
        await set_code_word(session, trainer.person_id, first, "4321")

    async def checkin(person_id: int, word: str) -> str:
        async with app.session_factory() as session:
            try:
                return (await check_in(session, person_id, word, "en")).outcome
            except CourseProblem as problem:
                return problem.reason

    assert await checkin(other.person_id, "4321") == "not_volunteer"
    await approve(app, other.person_id, region="aktobe")
    assert await checkin(other.person_id, "4321") == "not_enrolled"
    clock.now = T0 + timedelta(hours=2, seconds=1)  # the session is over
    assert await checkin(volunteer.person_id, "4321") == "no_session"
    clock.now = T0
    outcomes = [await checkin(volunteer.person_id, "0000") for _ in range(MAX_WRONG_CODES)]
    assert outcomes == ["wrong_code"] * (MAX_WRONG_CODES - 1) + ["too_many"]
    assert await checkin(volunteer.person_id, "4321") == "too_many"  # even the right one now
    assert await db.count(Attendance) == 0

    async with app.session_factory() as session:
        with pytest.raises(CourseProblem):  # not the course's trainer
            await toggle_mark(session, other.person_id, first, volunteer_id, T0)
        assert await toggle_mark(session, trainer.person_id, first, volunteer_id, T0)
        present = await roll_call(session, trainer.person_id, first)
    assert [(p.volunteer_id, p.present) for p in present] == [(volunteer_id, True)]
    assert await db.scalar(select(Attendance.how)) == "trainer"
    async with app.session_factory() as session:
        assert not await toggle_mark(session, trainer.person_id, first, volunteer_id, T0)
    assert await db.count(Attendance) == 0
    async with app.session_factory() as session:
        assert await verify(session, "not-a-code", "en") is None


async def test_certificate_pdf_has_kazakh_and_russian_names(app: App, db: Db) -> None:
    """The text extracted from the PDF reads the names and titles as written."""
    kk = await person(app, "601")
    ru = await person(app, "602")
    async with app.session_factory() as session:
        for who, name, locale in ((kk, "Әсел Қанатқызы", "kk"), (ru, "Ольга Ким", "ru")):
            row = await session.get(Person, who.person_id)
            assert row is not None
            row.full_name, row.locale = name, locale
        await session.commit()
    for who in (kk, ru):
        await approve(app, who.person_id)
    course_id = await course_in(app, T0, trainer_id=None)
    sessions = await session_ids(app, course_id)
    async with app.session_factory() as session:
        trainer = await person(app, "603")
        await session.execute(  # and one session is enough
            update(Course).values(responsible_person_id=trainer.person_id, complete_after=1)
        )
        await session.commit()
        enrolled = list(await session.scalars(select(Enrolment.volunteer_id)))
        await session.rollback()
        for volunteer_id in enrolled:
            await toggle_mark(session, trainer.person_id, sessions[0], volunteer_id, T0)
    i18n = scheduler.shared_i18n()
    expected = {
        kk.person_id: ("Әсел Қанатқызы", TITLE_KK, "СЕРТИФИКАТ"),
        ru.person_id: ("Ольга Ким", TITLE_RU, "СЕРТИФИКАТ"),
    }
    for person_id, (name, title, heading) in expected.items():
        async with app.session_factory() as session:
            (view,) = await my_certificates(session, person_id)
        with i18n.context(), i18n.use_locale(view.locale):
            body = certificate_pdf(view, verify_link(view.code, "qamqor_bot", None))
        text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
        assert name in text, text
        assert title in text, text
        assert heading in text, text
        assert view.code in text


async def test_last_seat_goes_to_one_of_racing_volunteers(app: App, db: Db) -> None:
    """Defect: a seat counted in Python lets every racer for the last seat take it."""
    racers = [await person(app, str(700 + n)) for n in range(5)]
    for racer in racers:
        await approve(app, racer.person_id)
    course_id = await course_in(app, T0, seat_limit=3, enrol=False)
    async with app.session_factory() as session:
        await session.execute(update(Course).values(seats_taken=2))
        await session.commit()

    def join(person_id: int) -> Any:
        return in_session(app, lambda s: sign_up(s, person_id, course_id))

    outcomes = await race(
        app, "LOCK TABLE course IN SHARE MODE", [join(r.person_id) for r in racers]
    )
    assert await db.count(Enrolment) == 1
    assert await db.scalar(select(Course.seats_taken)) == 3
    refused = [o.reason for o in outcomes if isinstance(o, CourseProblem)]
    assert refused == ["full"] * 4, outcomes
    loser = next(r for r, o in zip(racers, outcomes, strict=True) if o is not None)
    async with app.session_factory() as session:
        with pytest.raises(CourseProblem, match="full"):  # and trying again does not help
            await sign_up(session, loser.person_id, course_id)


async def test_trainer_sees_the_code_word_and_corrects_marks_in_chat(
    app: App, make_user: MakeUser, db: Db, clock: Clock
) -> None:
    volunteer = make_user("Asel", "en")
    await approved_volunteer(app, volunteer)
    trainer = make_user("Aigul", "en")
    trainer_id = await registered(app, trainer, Role.VOLUNTEER)
    clock.now = utcnow()
    await course_in(app, clock.now + timedelta(days=1), trainer_id=trainer_id)
    await trainer.send("/course")
    assert trainer.last_text == "Which session?"
    await trainer.press("1. ")
    assert trainer.last_text.startswith("Session 1 of «Camp leader mastery")
    assert "Checked in: 0 of 1." in trainer.last_text
    word = trainer.last_text.split("Code word: ")[1].split("\n")[0]
    assert len(word) == 4 and word.isdigit()
    await trainer.press("Asel")
    assert "Checked in: 1 of 1." in trainer.last_text
    assert any("✅ Asel" in b for b in trainer.buttons())
    assert await db.scalar(select(Attendance.how)) == "trainer"
    await trainer.press("Asel")
    assert "Checked in: 0 of 1." in trainer.last_text
    assert await db.count(Attendance) == 0

    await trainer.press("Set my own code word")
    assert trainer.last_text.startswith("Type the code word for this session")
    await trainer.send("Көк тау")
    assert trainer.last_text == "The code word is now: Көк тау"
    assert await db.scalar(select(CourseSession.code_word).where(CourseSession.number == 1)) == (
        "Көк тау"
    )

    await volunteer.send("/course")  # runs none
    assert volunteer.last_text == "You run no course with sessions ahead."


async def test_volunteer_signs_up_to_an_open_course_with_seats(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user("Asel", "en")
    await approved_volunteer(app, user)
    await course_in(app, utcnow() + timedelta(days=1), seat_limit=2, enrol=False)
    await user.send("/courses")
    assert user.last_text == "Open courses you can sign up to:"
    await user.press("Camp leader mastery")
    assert user.last_text == "You are signed up. /courses shows the sessions and the link."
    assert await db.scalar(select(Course.seats_taken)) == 1
    await user.send("/courses")
    assert "Attended: 0 of 5" in user.last_text
    assert await db.count(Enrolment) == 1


async def test_forget_removes_enrolments_attendance_and_certificates(
    app: App, db: Db, clock: Clock
) -> None:
    volunteer = await person(app, "801")
    stays = await person(app, "802")
    trainer = await person(app, "803")
    for who in (volunteer, stays):
        await approve(app, who.person_id)
    course_id = await course_in(app, T0, trainer_id=trainer.person_id)
    async with app.session_factory() as session:
        await session.execute(update(Course).values(complete_after=1))
        await session.commit()
    first = (await session_ids(app, course_id))[0]
    async with app.session_factory() as session:
        for present in await roll_call(session, trainer.person_id, first):
            await toggle_mark(session, trainer.person_id, first, present.volunteer_id, T0)
    assert (await db.count(Certificate), await db.count(Attendance)) == (2, 2)
    async with app.session_factory() as session:
        await forget_person(session, volunteer.person_id, app.assembly.hooks)
    assert await db.count(Enrolment) == 1
    assert await db.count(Attendance) == 1
    assert await db.count(Certificate) == 1
    assert await db.scalar(select(Course.seats_taken)) == 1


async def test_coordinator_creates_a_course_in_chat_and_the_region_is_enrolled(
    app: App, make_user: MakeUser, db: Db
) -> None:
    for n in range(2):
        await approved_volunteer(app, make_user(f"V{n}", "en"), region="abai")
    coordinator = make_user("Dmitry", "en")
    await registered(app, coordinator, Role.COORDINATOR)  # of region 1
    await coordinator.send("/newcourse")
    assert coordinator.last_text == "New course. Its title? (or /cancel)"
    await coordinator.send("Games and safety")
    await coordinator.press("Mentorship course")
    assert coordinator.last_text == "Which region's volunteers is it for?"
    assert coordinator.buttons() == ["Abai Region"]  # their region only
    await coordinator.press("Abai")
    await coordinator.send("meet.example.kz")
    assert coordinator.last_text.startswith("The conference link is not a web address.")
    await coordinator.send(URL)
    await coordinator.send("1 December at six")
    assert coordinator.last_text.startswith("I could not read those dates.")
    await coordinator.send("01.12.2026 18:00\n02.12.2026 18:00")  # two in one message
    assert coordinator.last_text.startswith("2 sessions so far:")
    assert await db.count(Course) == 0  # nothing until "Create"
    await coordinator.send("hmm")
    assert coordinator.last_text.startswith("I could not read those dates.")
    await coordinator.send("03.12.2026 18:00")  # and one more in another
    assert coordinator.last_text.startswith("3 sessions so far:")
    await coordinator.press("Type the dates again")
    await coordinator.send("02.12.2026 18:00")
    await coordinator.send("01.12.2026 18:00")
    assert coordinator.last_text.startswith("2 sessions so far:")
    await coordinator.press("Create the course")
    assert coordinator.last_text.startswith(
        "Course «Games and safety» is created. Sessions: 2; volunteers enrolled: 2."
    )
    course = await db.scalar(select(Course))
    assert (course.kind, course.sessions_count, course.conference_url) == ("mentorship", 2, URL)
    starts = await db.all(select(CourseSession.starts_at).order_by(CourseSession.number))
    assert starts == [T0, T0 + timedelta(days=1)]
    assert await db.count(Enrolment) == 2


async def test_squad_leaders_only_and_attendance_history(app: App, db: Db, clock: Clock) -> None:
    leader = await person(app, "901")
    member = await person(app, "902")
    trainer = await person(app, "903")
    for who in (leader, member):
        await approve(app, who.person_id)
    course_id = await course_in(app, T0, trainer_id=trainer.person_id, enrol=False)
    async with app.session_factory() as session:
        region = await session.scalar(select(Course.region_id))
        assert region is not None
        institution = Institution(region_id=region, name="Karaganda University")
        session.add(institution)
        await session.flush()
        session.add(Squad(institution_id=institution.id, name="Ushqyn", leader_id=leader.person_id))
        await session.commit()
        assert await enrol_squad_leaders(session, course_id, region) == 1
        assert await enrol_squad_leaders(session, course_id, region) == 0  # once
        assert await enrol_region(session, course_id, region) == 1  # the member joins
    first = (await session_ids(app, course_id))[0]
    async with app.session_factory() as session:
        word = await set_code_word(session, trainer.person_id, first)
        clock.now = T0 + timedelta(minutes=30)
        assert (await check_in(session, leader.person_id, word, "ru")).outcome == "marked"
        history = await attendance_history(session, leader.person_id, "ru")
    assert [(h.title, h.number, h.starts_at, h.how) for h in history] == [(TITLE_RU, 1, T0, "code")]
    assert await db.scalar(select(Course.seats_taken)) == 2
