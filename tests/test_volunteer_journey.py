"""The whole of a volunteer's season, as "What it must show" of the movement's issue lists it:
a newcomer registers by chat, the region's coordinator approves, the course reminds with the
link, five check-ins with the right code word, a certificate PDF whose code /verify confirms;
a wrong code, a check-in outside the window and a forged certificate code are refused. On
Telegram, on WhatsApp and on WhatsApp with buttons (the simulator: tests/test_console.py)."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from bot.app import App
from bot.scheduler import tick
from services.courses.attendance import set_code_word
from services.courses.reminders import DAY_BEFORE, SOON
from storage.models.courses import Certificate
from storage.models.messaging import OutboxMessage
from storage.models.people import Person
from storage.models.volunteers import Volunteer
from tests.conftest import Db, MakeUser
from tests.course_builders import TITLE_EN, URL, course_in, session_ids
from tests.test_courses import T0, Clock, clock  # noqa: F401 - the check-in's clock fixture
from tests.test_volunteers import coordinator_of, karaganda


async def test_a_newcomer_becomes_a_certified_volunteer(
    app: App,
    make_user: MakeUser,
    db: Db,
    clock: Clock,  # noqa: F811
) -> None:
    region = await karaganda(db)
    coordinator = make_user("Ержан", "en")
    await coordinator_of(app, coordinator, region)
    trainer = make_user("Айгүл", "en")
    trainer_id = await coordinator_of(app, trainer, region)

    volunteer = make_user("Асель", "en")
    await volunteer.send("Сәлем")  # a newcomer's first words open the language choice
    await volunteer.press("English")
    await volunteer.press("I agree")
    await volunteer.press("Volunteer")
    await volunteer.send("Асель Нұрланқызы")
    await volunteer.send("+7 701 234 56 78")
    await volunteer.send("05.03.2004")
    await volunteer.send("Karaganda")  # typed, not picked from the pages
    await volunteer.press("not listed")
    await volunteer.send("Қарағанды педагогикалық колледжі")
    await volunteer.press("No squad yet")
    await volunteer.press("Submit")
    assert volunteer.last_text.startswith("Sent!")

    await coordinator.send("/applications")
    await coordinator.press("Асель")
    await coordinator.press("Approve")
    person_id = await db.scalar(select(Person.id).where(Person.full_name == "Асель Нұрланқызы"))
    row = await db.scalar(select(Volunteer).where(Volunteer.person_id == person_id))
    assert row is not None and row.status == "approved"
    told = await db.all(
        select(OutboxMessage.kind)
        .where(OutboxMessage.kind.like("volunteer_%"))
        .order_by(OutboxMessage.id)
    )
    assert told[-1] != "volunteer_card"  # after the coordinator's card, the volunteer's news

    course_id = await course_in(app, T0, trainer_id=trainer_id)  # the region's approved enrolled
    sessions = await session_ids(app, course_id)
    url = app.settings.database_url
    await tick(url, 180, now=T0 - timedelta(days=1) + timedelta(minutes=1))
    await tick(url, 180, now=T0 - timedelta(minutes=14))
    reminders = await db.all(
        select(OutboxMessage).where(OutboxMessage.kind.in_((DAY_BEFORE, SOON)))
    )
    assert sorted(r.kind for r in reminders) == sorted([DAY_BEFORE, SOON])
    assert all(URL in r.payload["text"] and TITLE_EN in r.payload["text"] for r in reminders)

    clock.now = T0 - timedelta(hours=1)  # before the first session's window
    await volunteer.send("/checkin 1111")
    assert volunteer.last_text.startswith("No session of yours is open for check-in now")
    for n, session_id in enumerate(sessions):
        async with app.session_factory() as session:
            word = await set_code_word(session, trainer_id, session_id, f"тау {n}")
        clock.now = T0 + timedelta(days=n, minutes=30)
        if n == 2:
            await volunteer.send("/checkin алма")
            assert volunteer.last_text.startswith("That is not the code word of this session.")
        await volunteer.send(f"/checkin {word}")
        assert volunteer.last_text.startswith(f"You are marked present at session {n + 1} of")
    assert "You have completed the course!" in volunteer.last_text

    code = await db.scalar(select(Certificate.code))
    await volunteer.send("/certificates")
    _, body, _ = await volunteer.document()
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Асель Нұрланқызы" in text and code in text

    await coordinator.send(f"/verify {code}")
    assert coordinator.last_text.startswith(f"Certificate {code} is genuine.")
    await coordinator.send("/verify QQQQ7777")  # forged
    assert coordinator.last_text.startswith("No certificate has this code")
