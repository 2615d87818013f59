"""Reports of the volunteer movement: the figures of a small dataset checked exactly, the rules
(rate, season, attachment today), the XLSX workbook and the PNG chart, /report on every channel
(a coordinator sees their region only; a volunteer is refused), and the number of statements
a report runs, the same at 10 and at 100 volunteers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from aiogram.utils.i18n import I18n
from openpyxl import load_workbook
from sqlalchemy import delete, event, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from handlers.movement_reports.callbacks import ReportActionCb
from handlers.movement_reports.texts import chart_labels, labels, named, percent, whole
from services.demo import load_demo
from services.errors import NotAllowed
from services.movement_reports.chart import chart
from services.movement_reports.queries import NO_SQUAD, Row, build_report
from services.movement_reports.rules import (
    Period,
    attached_on,
    attendance_rate,
    season_start,
    window,
)
from services.movement_reports.workbook import workbook
from services.roles import Role
from storage.changes import people_changed
from storage.models.courses import Attendance, Certificate, Course, CourseSession, Enrolment
from storage.models.org import Region
from storage.models.people import Person, RoleGrant
from storage.models.volunteers import Institution, School, Squad, SquadSchool, Volunteer
from tests.builders import registered
from tests.conftest import MakeUser
from tests.driver import TelegramUser
from tests.whatsapp_driver import WhatsAppUser

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"
DAY = timedelta(days=1)


# --- the rules -------------------------------------------------------------------------------


def test_the_rate_is_attended_of_expected() -> None:
    assert attendance_rate(3, 6) == 0.5
    assert attendance_rate(0, 4) == 0.0
    assert attendance_rate(0, 0) is None  # no session held yet: no rate, not 0 %
    assert attendance_rate(5, 4) == 1.0  # a mark beyond the enrolled never shows over 100 %


def test_numbers_and_percentages_in_the_readers_language() -> None:
    assert whole(12345, "ru") == "12\xa0345"
    assert whole(12345, "en") == "12,345"
    assert percent(0.875, "ru") == "87,5\xa0%"
    assert percent(0.875, "en") == "87.5%"
    assert percent(0.5, "kk") == "50%"  # Babel's kk pattern has no space
    assert percent(1 / 3, "ru") == "33,3\xa0%"
    assert percent(None, "en") == "—"


def test_the_season_starts_on_the_first_of_september() -> None:
    assert season_start(date(2026, 11, 25)) == date(2026, 9, 1)
    assert season_start(date(2027, 8, 31)) == date(2026, 9, 1)
    assert season_start(date(2027, 9, 1)) == date(2027, 9, 1)
    span = window(Period.SEASON, NOW)
    assert span.start == datetime(2026, 8, 31, 19, 0, tzinfo=UTC)  # midnight in Almaty, +5
    assert span.end == datetime(2027, 8, 31, 19, 0, tzinfo=UTC)
    assert window(Period.ALL, NOW).start is None


def test_an_attachment_counts_from_its_first_to_its_last_day() -> None:
    today = date(2026, 11, 25)
    assert attached_on(today, None, today)
    assert attached_on(today - DAY, today, today)
    assert not attached_on(today + DAY, None, today)
    assert not attached_on(today - 9 * DAY, today - DAY, today)


# --- a small movement ------------------------------------------------------------------------


@dataclass
class Movement:
    abai: int
    karaganda: int
    squad1: int
    squad2: int
    squad3: int
    coordinator: int


async def region(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(Region.id).where(Region.code == code))
    assert found is not None
    return found


async def people(session: AsyncSession, count: int) -> list[int]:
    found = [Person(full_name=f"Ерікті {n}", locale="kk") for n in range(count)]
    session.add_all(found)
    await session.flush()
    ids = [p.id for p in found]
    people_changed(session, persons=ids)
    return ids


async def movement(
    app: App, now: datetime, coordinator: int | None = None, extra: int = 0
) -> Movement:
    """Abai: two squads, four schools (two covered today), seven volunteers of every status, a
    course with two sessions held; an old course with a certificate. Karaganda: a squad, a
    school without one, two volunteers. `extra` approved volunteers more in Abai's squad 1."""
    today = now.date()
    async with app.session_factory() as session:
        abai, karaganda = await region(session, "abai"), await region(session, "karaganda")
        if coordinator is None:
            (coordinator,) = await people(session, 1)
            session.add(
                RoleGrant(
                    person_id=coordinator,
                    role=Role.COORDINATOR.value,
                    region_id=abai,
                    scope_key=f"region:{abai}",
                )
            )
        university = Institution(region_id=abai, name="Абай университеті", kind="university")
        college = Institution(region_id=karaganda, name="Қарағанды колледжі")
        session.add_all([university, college])
        await session.flush()
        s1 = Squad(institution_id=university.id, name="Бірінші отряд")
        s2 = Squad(institution_id=university.id, name="Екінші отряд")
        s3 = Squad(institution_id=college.id, name="Шұғыла")
        schools = [
            School(region_id=abai, district="Семей", name=f"№{n} мектеп") for n in range(1, 5)
        ]
        lonely = School(region_id=karaganda, district="Теміртау", name="№7 мектеп")
        session.add_all([s1, s2, s3, *schools, lonely])
        await session.flush()
        session.add_all(
            [
                SquadSchool(squad_id=s1.id, school_id=schools[0].id, starts_on=today - 30 * DAY),
                SquadSchool(  # ended: №2 is without a squad today
                    squad_id=s2.id,
                    school_id=schools[1].id,
                    starts_on=today - 60 * DAY,
                    ends_on=today - 10 * DAY,
                ),
                SquadSchool(squad_id=s1.id, school_id=schools[2].id, starts_on=today + 30 * DAY),
                SquadSchool(squad_id=s1.id, school_id=schools[3].id, starts_on=today - 5 * DAY),
                SquadSchool(
                    squad_id=s2.id, school_id=schools[3].id, starts_on=today, ends_on=today
                ),
            ]
        )
        statuses = [
            (abai, s1.id, "approved"),
            (abai, s1.id, "approved"),
            (abai, s2.id, "approved"),
            (abai, s1.id, "pending"),
            (abai, s1.id, "draft"),
            (abai, s2.id, "rejected"),
            (abai, None, "awaiting_parent"),
            (karaganda, s3.id, "approved"),
            (karaganda, s3.id, "pending"),
        ] + [(abai, s1.id, "approved")] * extra
        persons = await people(session, len(statuses))
        volunteers = [
            Volunteer(person_id=p, region_id=r, squad_id=s, status=st)
            for p, (r, s, st) in zip(persons, statuses, strict=True)
        ]
        session.add_all(volunteers)
        await session.flush()
        v1, v2, v3 = (v.id for v in volunteers[:3])
        course, old = (
            Course(
                title=title,
                region_id=abai,
                responsible_name="Айгүл Серікова",
                responsible_org="Абай облысының көшбасшылар орталығы",
                conference_url="https://meet.example.kz/abai",
            )
            for title in ("Көшбасшы шеберлігі", "Өткен курс")
        )
        session.add_all([course, old])
        await session.flush()
        held = [
            CourseSession(
                course_id=course.id,
                number=n + 1,
                starts_at=now + offset,
                ends_at=now + offset + timedelta(hours=2),
            )
            for n, offset in enumerate([-3 * DAY, -2 * DAY, DAY, 2 * DAY, 3 * DAY])
        ]
        long_ago = CourseSession(
            course_id=old.id, number=1, starts_at=now - 400 * DAY, ends_at=now - 400 * DAY
        )
        session.add_all([*held, long_ago])
        await session.flush()
        enrolled = [v1, v2, v3, *(v.id for v in volunteers[9:])]
        session.add_all([Enrolment(course_id=course.id, volunteer_id=v) for v in enrolled])
        session.add(Enrolment(course_id=old.id, volunteer_id=v1))
        marks = [(held[0], v1), (held[1], v1), (held[0], v2), (long_ago, v1)]
        marks += [(held[0], v.id) for v in volunteers[9:]] + [
            (held[1], v.id) for v in volunteers[9:]
        ]
        session.add_all([Attendance(session_id=s.id, volunteer_id=v) for s, v in marks])
        session.add_all(
            [
                Certificate(
                    code="OLD1",
                    volunteer_id=v1,
                    course_id=old.id,
                    locale="kk",
                    issued_at=now - 399 * DAY,
                ),
                Certificate(
                    code="NEW3",
                    volunteer_id=v3,
                    course_id=old.id,
                    locale="kk",
                    issued_at=now - DAY,
                ),
                Certificate(  # a letter of gratitude is not a course certificate
                    code="LET1",
                    volunteer_id=v2,
                    course_id=old.id,
                    locale="kk",
                    kind="letter",
                    issued_at=now - DAY,
                ),
            ]
        )
        await session.commit()
        return Movement(abai, karaganda, s1.id, s2.id, s3.id, coordinator)


def figures(row: Row) -> tuple[int, ...]:
    return (
        row.registered,
        row.approved,
        row.expected,
        row.attended,
        row.certificates,
        row.schools,
        row.covered,
    )


async def test_the_republic_this_season_and_all_time(app: App) -> None:
    m = await movement(app, NOW)
    async with app.session_factory() as session:
        season = await build_report(session, 0, True, None, Period.SEASON, "ru", NOW)
        ever = await build_report(session, 0, True, None, Period.ALL, "ru", NOW)
    by_region = {row.key: row for row in season.regions}
    assert len(season.regions) == 20  # every region, those without figures too
    assert figures(by_region[m.abai]) == (7, 3, 6, 3, 1, 4, 2)
    assert by_region[m.abai].rate == 0.5 and by_region[m.abai].uncovered == 2
    assert figures(by_region[m.karaganda]) == (2, 1, 0, 0, 0, 1, 0)
    assert by_region[m.karaganda].rate is None
    assert figures(season.total) == (9, 4, 6, 3, 1, 5, 2)
    # in the reader's alphabet, by the official Russian names (0006: "область Абай")
    assert [r.name for r in season.regions[:2]] == ["Акмолинская область", "Актюбинская область"]
    assert by_region[m.abai].name == "область Абай"
    all_abai = next(row for row in ever.regions if row.key == m.abai)
    assert figures(all_abai) == (7, 3, 7, 4, 2, 4, 2)  # the old course counts too
    assert [(s.region, s.name) for s in season.uncovered] == [
        ("Карагандинская область", "№7 мектеп"),
        ("область Абай", "№2 мектеп"),
        ("область Абай", "№3 мектеп"),
    ]
    assert season.squads == []


async def test_a_region_per_squad_for_its_coordinator(app: App) -> None:
    m = await movement(app, NOW)
    async with app.session_factory() as session:
        report = await build_report(session, m.coordinator, False, m.abai, Period.SEASON, "kk", NOW)
        with pytest.raises(NotAllowed):
            await build_report(session, m.coordinator, False, m.karaganda, Period.SEASON, "kk", NOW)
        with pytest.raises(NotAllowed):
            await build_report(session, m.coordinator, False, None, Period.SEASON, "kk", NOW)
    assert report.scope == "Абай облысы"
    assert [r.key for r in report.regions] == [m.abai]
    assert figures(report.total) == (7, 3, 6, 3, 1, 4, 2)
    squads = {row.key: row for row in report.squads}
    assert list(squads) == [m.squad1, m.squad2, NO_SQUAD]
    assert squads[m.squad1].name == "Абай университеті — Бірінші отряд"
    assert figures(squads[m.squad1]) == (4, 2, 4, 3, 0, 0, 2)
    assert squads[m.squad1].rate == 0.75
    assert figures(squads[m.squad2]) == (2, 1, 2, 0, 1, 0, 1)  # №4 through its last day
    assert figures(squads[NO_SQUAD]) == (1, 0, 0, 0, 0, 0, 0)
    assert m.squad3 not in squads


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """gettext in `locale`, as the bot's middleware sets it for an update."""
    i18n = I18n(path="locales", default_locale="en", domain="messages")
    with i18n.context(), i18n.use_locale(locale):
        yield


async def test_the_workbook_in_russian(app: App) -> None:
    m = await movement(app, NOW)
    async with app.session_factory() as session:
        report = await build_report(session, m.coordinator, False, m.abai, Period.SEASON, "ru", NOW)
    with speaking("ru"):
        body = workbook(named(report), labels())
    book = load_workbook(BytesIO(body))
    assert book.sheetnames == ["Регионы", "Отряды", "Школы без отряда"]
    regions = book["Регионы"]
    assert [c.value for c in regions[1]] == [
        "Регион",
        "Зарегистрировано волонтёров",
        "Одобрено",
        "Посещаемость курсов",
        "Сертификаты",
        "Школы",
        "С отрядом",
        "Без отряда",
    ]
    assert regions.freeze_panes == "A2"
    assert [c.value for c in regions[2]] == ["область Абай", 7, 3, 0.5, 1, 4, 2, 2]
    assert regions["D2"].number_format == "0.0%"
    assert regions.column_dimensions["B"].width > 10
    squads = book["Отряды"]
    assert [c.value for c in squads[2]] == ["Абай университеті — Бірінші отряд", 4, 2, 0.75, 0, 2]
    assert squads["A4"].value == "Без отряда" and squads["D4"].value is None
    schools = book["Школы без отряда"]
    assert [[c.value for c in row] for row in schools.iter_rows(min_row=2)] == [
        ["область Абай", "Семей", "№2 мектеп"],
        ["область Абай", "Семей", "№3 мектеп"],
    ]


async def test_the_chart_is_a_png_with_kazakh_names(app: App) -> None:
    await movement(app, NOW)
    async with app.session_factory() as session:
        report = await build_report(session, 0, True, None, Period.SEASON, "kk", NOW)
    with speaking("kk"):
        body = chart(report.regions, chart_labels(report))
    assert body.startswith(PNG) and len(body) > 20_000
    assert any("ә" in r.name or "ұ" in r.name or "ы" in r.name for r in report.regions)


# --- /report in chat ---------------------------------------------------------------------------


async def photo(user: object) -> bytes:
    if isinstance(user, TelegramUser):
        attached = user.requests("sendPhoto")[-1].attachment("photo")
        assert attached is not None
        return attached[1]
    assert isinstance(user, WhatsAppUser)
    _, body, _ = await user.document()  # a media link on WhatsApp
    return body


async def test_a_coordinator_reports_on_their_region(app: App, make_user: MakeUser) -> None:
    coordinator = make_user("Дана")
    person = await registered(app, coordinator, Role.COORDINATOR, locale="ru")  # Abai's
    m = await movement(app, datetime.now(UTC), coordinator=person)
    await coordinator.send("/report")
    text = coordinator.last_text
    assert "Отчёт: область Абай, этот сезон" in text
    assert "Волонтёров зарегистрировано: 7, одобрено: 3" in text
    assert "Школ: 4; с отрядом: 2; без отряда: 2" in text
    assert coordinator.buttons() == ["XLSX", "Диаграмма", "За всё время"]

    await coordinator.press("XLSX")
    name, body, _ = await coordinator.document()
    assert name.endswith(".xlsx")
    book = load_workbook(BytesIO(body))
    assert book["Регионы"]["A2"].value == "область Абай"
    assert book["Регионы"]["B2"].value == 7
    assert coordinator.buttons() == ["XLSX", "Диаграмма", "За всё время"]  # offered again

    await coordinator.press("Диаграмма")
    assert (await photo(coordinator)).startswith(PNG)

    await coordinator.press("За всё время")
    assert "Отчёт: область Абай, всё время" in coordinator.last_text

    forged = ReportActionCb(action="xlsx", region=m.karaganda, period="season").pack()
    sent = len(coordinator.texts())
    await coordinator.press_data(forged)
    assert "Эта кнопка устарела." in coordinator.alerts()
    assert "Карагандинская" not in "\n".join(coordinator.texts()[sent:])


async def test_an_admin_picks_the_republic(app: App, make_user: MakeUser) -> None:
    admin = make_user("Ержан")
    await registered(app, admin, Role.ADMIN, locale="en")
    await movement(app, datetime.now(UTC))
    await admin.send("/report")
    assert admin.buttons()[:2] == ["Republic of Kazakhstan", "Abai Region"]
    assert admin.buttons()[-1] == "More ▸"
    await admin.press("Republic of Kazakhstan")
    assert "Volunteers registered: 9, approved: 4" in admin.last_text
    await admin.press("Chart")
    assert (await photo(admin)).startswith(PNG)


async def test_volunteers_and_parents_are_refused(app: App, make_user: MakeUser) -> None:
    for role in (Role.VOLUNTEER, Role.PARENT):
        user = make_user("Ерлан")
        await registered(app, user, role)
        await user.send("/report")
        assert user.last_text.startswith("Sorry, /report is only for ")


# --- the cost ---------------------------------------------------------------------------------


async def test_a_report_runs_as_many_statements_at_100_volunteers_as_at_10(app: App) -> None:
    counts = []
    for extra in (1, 91):
        m = await movement(app, NOW, extra=extra)
        seen: list[str] = []

        def count(*args: object, seen: list[str] = seen) -> None:
            seen.append(str(args[2]))

        event.listen(app.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with app.session_factory() as session:
                report = await build_report(
                    session, m.coordinator, False, m.abai, Period.SEASON, "en", NOW
                )
        finally:
            event.remove(app.engine.sync_engine, "before_cursor_execute", count)
        assert report.total.registered == 7 + extra
        counts.append(len(seen))
        async with app.session_factory() as session:  # the next round starts afresh
            for model in (Certificate, Course, Volunteer, School, Institution):
                await session.execute(delete(model))
            await session.commit()
    assert counts[0] == counts[1] and counts[0] < 20


async def test_the_demo_has_schools_without_a_squad(app: App) -> None:
    async with app.session_factory() as session:
        await load_demo(session)
        await load_demo(session)  # twice: nothing added the second time
        report = await build_report(session, 0, True, None, Period.SEASON, "en", datetime.now(UTC))
    assert [(s.region, s.name) for s in report.uncovered] == [
        ("Karaganda Region", "№24 мектеп-лицей"),
        ("Karaganda Region", "№8 жалпы білім беретін мектеп"),
        ("Shymkent city", "№64 жалпы білім беретін мектеп"),
    ]
    assert report.total.covered > 0 and report.total.approved > 0
