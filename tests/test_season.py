"""The season plan: its rules, reminders and escalation through the scheduler's tick (once
each, and after a restart), and /plan on every channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.config import Settings
from bot.scheduler import dispose_job_engines, tick
from services.channels import Channel
from services.consent import consent_for
from services.invites.invites import create_invite, redeem_as_member
from services.onboarding.registration import Newcomer, register
from services.roles import Role, Scope, ScopeKind
from services.season.plan import (
    AlreadyDone,
    add_item,
    create_season_plan,
    mark_done,
    plan_status,
)
from services.season.rules import (
    STAGES,
    deadlines_due,
    due_at,
    is_overdue,
    local_day,
    season_of,
    stage_moment,
    stages_due,
)
from services.uow import unit_of_work
from storage.base import utcnow
from storage.models.messaging import OutboxMessage
from storage.models.org import Region
from storage.models.people import Person
from storage.models.season import PlanItem, PlanTask
from tests.builders import asked_again, registered
from tests.conftest import Db, MakeUser

DEADLINE = date(2027, 5, 22)
REMIND7, REMIND1, OVERDUE = STAGES
MINUTE = timedelta(minutes=1)


def plain(text: str) -> str:
    """Babel's dates hold no-break spaces (CONVENTIONS): compared as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


# --- the rules -------------------------------------------------------------------------------


def test_stages_fall_at_nine_in_almaty() -> None:
    assert due_at(DEADLINE) == datetime(2027, 5, 22, 19, 0, tzinfo=UTC)  # 00:00 on 23 May, +5
    assert stage_moment(DEADLINE, REMIND7) == datetime(2027, 5, 15, 4, 0, tzinfo=UTC)
    assert stage_moment(DEADLINE, REMIND1) == datetime(2027, 5, 21, 4, 0, tzinfo=UTC)
    assert stage_moment(DEADLINE, OVERDUE) == datetime(2027, 5, 23, 4, 0, tzinfo=UTC)
    assert OVERDUE.escalation and not REMIND7.escalation and not REMIND1.escalation
    assert not is_overdue(DEADLINE, datetime(2027, 5, 22, 18, 59, tzinfo=UTC))
    assert is_overdue(DEADLINE, datetime(2027, 5, 22, 19, 0, tzinfo=UTC))


def test_which_stage_is_due_in_a_window() -> None:
    moment = stage_moment(DEADLINE, REMIND1)
    assert stages_due(DEADLINE, moment - MINUTE, moment) == [REMIND1]
    assert stages_due(DEADLINE, moment, moment + MINUTE) == []  # (start, end]: not twice
    assert stages_due(DEADLINE, moment - timedelta(days=9), moment + timedelta(days=3)) == [
        REMIND7,
        REMIND1,
        OVERDUE,
    ]
    # the same moment is another deadline's 7-day reminder: six days later's
    assert list(deadlines_due(REMIND7, moment - MINUTE, moment)) == [date(2027, 5, 28)]
    assert list(deadlines_due(REMIND1, moment, moment + MINUTE)) == []
    seven = stage_moment(DEADLINE, REMIND7)
    assert list(deadlines_due(REMIND7, seven - MINUTE, seven)) == [DEADLINE]
    # a window across midnight in Almaty and a three-hour grace window: still only that day
    late = datetime(2027, 5, 14, 18, 30, tzinfo=UTC)
    assert list(deadlines_due(REMIND7, late, late + timedelta(hours=3))) == []
    overdue = stage_moment(DEADLINE, OVERDUE)
    assert list(deadlines_due(OVERDUE, overdue - timedelta(hours=3), overdue)) == [DEADLINE]


def test_the_season_is_next_summer_from_september() -> None:
    assert season_of(date(2026, 11, 25)) == 2027
    assert season_of(date(2027, 5, 22)) == 2027
    assert season_of(date(2027, 8, 31)) == 2027
    assert season_of(date(2027, 9, 1)) == 2028


# --- people and a plan, through the real services ------------------------------------------


async def person(
    session: AsyncSession, name: str, locale: str, role: Role, region: int | None = None
) -> int:
    """A registered Telegram person with a staff role (a coordinator's in `region`)."""
    number = abs(hash(name)) % 10**8 + 10**8
    registration = await register(
        session, Newcomer(Channel.TELEGRAM, str(number), name, locale), consent_for(locale)
    )
    person_id = registration.actor.person_id
    scope = Scope(ScopeKind.REGION, region) if region is not None else Scope()
    invite = await create_invite(
        session, None, frozenset(), role, scope, ttl=timedelta(days=1), bootstrap=True
    )
    await redeem_as_member(session, person_id, invite.code, locale)
    return person_id


async def region_id(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(Region.id).where(Region.code == code))
    assert found is not None
    return found


async def plan_with_item(session: AsyncSession, admin: int | None) -> int:
    async with unit_of_work(session):
        item = await add_item(
            session,
            2027,
            "timetable",
            ("Кестені бекіту", "Утвердить расписание", "Approve the timetable"),
            DEADLINE,
            True,
            admin,
        )
        assert item is not None
        return item.id


async def task_of(session: AsyncSession, item: int, region: int) -> int:
    found = await session.scalar(
        select(PlanTask.id).where(PlanTask.item_id == item, PlanTask.region_id == region)
    )
    assert found is not None
    return found


async def outbox(db: Db, kind: str) -> list[OutboxMessage]:
    return await db.all(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    )


@pytest.fixture
async def jobs() -> AsyncIterator[None]:
    yield
    await dispose_job_engines()


# --- reminders and the escalation, through the tick ----------------------------------------


async def test_reminders_and_escalation_fire_once_each(app: App, db: Db, jobs: None) -> None:
    url = app.settings.database_url
    async with app.session_factory() as session:
        karaganda = await region_id(session, "karaganda")
        admin = await person(session, "Гүлнар", "kk", Role.ADMIN)
        coordinator = await person(session, "Дмитрий", "ru", Role.COORDINATOR, karaganda)
        item = await plan_with_item(session, admin)
        task = await task_of(session, item, karaganda)
    assert await db.scalar(select(PlanTask.responsible_id).where(PlanTask.id == task)) == (
        coordinator
    )

    seven = stage_moment(DEADLINE, REMIND7)
    await tick(url, 180, now=seven - MINUTE)
    assert await outbox(db, "plan_reminder") == []  # not yet
    for _ in range(2):  # the same tick twice: two processes, or a repeated tick
        await tick(url, 180, now=seven + MINUTE)
    await tick(url, 180, now=seven + 2 * MINUTE)
    rows = await outbox(db, "plan_reminder")
    assert [r.dedup_key for r in rows] == [f"plan_reminder:remind7:{task}:{coordinator}"]
    assert plain(rows[0].payload["text"]) == (
        "Напоминание: 22 мая 2027 г. истекает срок: «Утвердить расписание» — Карагандинская "
        "область (через 7 дней).\nКогда будет готово, отметьте в /plan."
    )

    one = stage_moment(DEADLINE, REMIND1)
    await tick(url, 180, now=one - MINUTE)
    await tick(url, 180, now=one + MINUTE)
    await tick(url, 180, now=one + MINUTE)
    rows = await outbox(db, "plan_reminder")
    assert len(rows) == 2 and rows[1].dedup_key == f"plan_reminder:remind1:{task}:{coordinator}"
    assert plain(rows[1].payload["text"]) == (
        "Напоминание: завтра, 22 мая 2027 г., истекает срок: «Утвердить расписание» — "
        "Карагандинская область.\nКогда будет готово, отметьте в /plan."
    )

    async with app.session_factory() as session:  # Astana reports in time; the rest do not
        astana_coordinator = await person(
            session, "Асель", "kk", Role.COORDINATOR, await region_id(session, "astana")
        )
        astana = await task_of(session, item, await region_id(session, "astana"))
        await mark_done(session, astana_coordinator, False, astana, "Бекітілді", now=one)

    overdue = stage_moment(DEADLINE, OVERDUE)
    await tick(url, 180, now=due_at(DEADLINE) - MINUTE)
    assert await outbox(db, "plan_overdue") == []  # late on the day is not overdue yet
    await tick(url, 180, now=overdue + MINUTE)
    await tick(url, 180, now=overdue + MINUTE)
    await tick(url, 180, now=overdue + timedelta(days=1))
    rows = await outbox(db, "plan_overdue")
    assert [r.dedup_key for r in rows] == [f"plan_overdue:{item}:{admin}"]
    text = plain(rows[0].payload["text"])
    assert text.startswith("Мерзімі өтті: «Кестені бекіту» мерзімі 2027 ж. 22 мамыр еді; ")
    assert "19" in text and "Қарағанды облысы" in text and "Астана" not in text
    assert len(await outbox(db, "plan_reminder")) == 2  # nothing else was sent meanwhile


async def test_a_reminder_due_while_the_bot_was_down_is_sent_once_after_restart(
    settings: Settings, db: Db, jobs: None
) -> None:
    """Stopped before the reminder's moment, started again after it: the new process's first
    tick scans from where the old one got to, and the reminder goes, once."""
    first = await build_app(settings)
    url = settings.database_url
    try:
        async with first.session_factory() as session:
            karaganda = await region_id(session, "karaganda")
            coordinator = await person(session, "Дмитрий", "en", Role.COORDINATOR, karaganda)
            item = await plan_with_item(session, None)
            task = await task_of(session, item, karaganda)
        seven = stage_moment(DEADLINE, REMIND7)
        await tick(url, 180, now=seven - 10 * MINUTE)
    finally:
        await first.close()
        await dispose_job_engines()
    assert await outbox(db, "plan_reminder") == []

    second = await build_app(settings)  # 40 minutes later, on the same database
    try:
        await tick(url, 180, now=seven + 30 * MINUTE)
        await tick(url, 180, now=seven + 31 * MINUTE)
    finally:
        await second.close()
    rows = await outbox(db, "plan_reminder")
    assert [r.dedup_key for r in rows] == [f"plan_reminder:remind7:{task}:{coordinator}"]
    assert (
        rows[0]
        .payload["text"]
        .startswith(
            "Reminder: May 22, 2027 is the deadline for «Approve the timetable» — Karaganda Region "
            "(in 7 days)."
        )
    )


async def test_done_is_once_and_the_status_counts_overdue_regions(app: App) -> None:
    async with app.session_factory() as session:
        karaganda = await region_id(session, "karaganda")
        coordinator = await person(session, "Дмитрий", "ru", Role.COORDINATOR, karaganda)
        item = await plan_with_item(session, None)
        task = await task_of(session, item, karaganda)
        after = due_at(DEADLINE) + MINUTE
        await mark_done(session, coordinator, False, task, "  Готово\n по приказу  ", now=after)
        with pytest.raises(AlreadyDone):
            await mark_done(session, coordinator, False, task, "ещё раз", now=after)
        done = (
            await session.execute(
                select(PlanTask.note, PlanTask.done_by_id).where(PlanTask.id == task)
            )
        ).one()
        await session.rollback()
        assert tuple(done) == ("Готово по приказу", coordinator)
        status = await plan_status(session, 2027, "en", after)
    assert len(status.regions) == 20
    by_name = {r.name: (r.done, r.open, r.overdue) for r in status.regions}
    assert by_name["Karaganda Region"] == (1, 0, 0)
    assert by_name["Abai Region"] == (0, 0, 1)
    assert len(status.overdue_regions) == 19


# --- /plan on every channel ----------------------------------------------------------------


async def test_coordinator_marks_a_task_done_with_a_note(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, coordinator = make_user("Гүлнар", "en"), make_user("Дмитрий", "en")
    admin_id = await registered(app, admin, Role.ADMIN)
    coordinator_id = await registered(app, coordinator, Role.COORDINATOR)  # region 1: Abai
    season = season_of(local_day(utcnow()))
    async with app.session_factory() as session:
        assert await create_season_plan(session, season, admin_id) == 3
        assert await create_season_plan(session, season, admin_id) == 0  # once

    await coordinator.send("/plan")
    text = coordinator.last_text
    assert text.startswith(f"Season plan {season}:")
    assert (
        f"⏳ «Approve the regional course timetable with responsible persons» — Abai Region: "
        f"due May 22, {season}" in text
    )
    assert "Republic-wide" not in text  # the national organiser's, not hers
    assert text.endswith("Which task is done?")
    assert len(coordinator.buttons()) == 2
    await coordinator.send("the second one")
    assert coordinator.last_text.startswith(asked_again(coordinator, f"Season plan {season}:"))
    await coordinator.press("Approve the courses")
    question = coordinator.last_text
    assert question.startswith(f"«Approve the courses» — Abai Region (due May 25, {season})\n")
    assert coordinator.buttons() == ["No note"]
    await coordinator.send("Approved by order No. 12")
    assert coordinator.last_text == (
        "Done: «Approve the courses» — Abai Region is marked done.\n\n/plan shows the plan."
    )
    task = await db.scalar(
        select(PlanTask)
        .join(PlanItem, PlanItem.id == PlanTask.item_id)
        .where(PlanItem.code == "courses", PlanTask.region_id == 1)
    )
    assert (task.status, task.note, task.done_by_id) == (
        "done",
        "Approved by order No. 12",
        coordinator_id,
    )
    await coordinator.press_data(f"plan_no_note:{task.id}")  # the old button, once more
    assert coordinator.alerts()[-1] == "This button is out of date."

    await coordinator.send("/plan")  # the other task, done without a note
    assert "✅ «Approve the courses» — Abai Region: done" in coordinator.last_text
    assert "Approved by order No. 12" in coordinator.last_text
    await coordinator.press("timetable")
    await coordinator.press("No note")
    assert coordinator.last_text.startswith("Done: «Approve the regional course timetable")
    await coordinator.send("/plan")
    assert coordinator.last_text.endswith("Every task here is done.")

    await admin.send("/plan")  # the administrator sees it per region
    assert admin.last_text.startswith(f"Season plan {season} by region: ✅ done, ⏳ open")
    buttons = admin.buttons()
    assert buttons[0] == "Republic-wide ✅0 ⏳1 ⚠️0"
    assert "Abai Region ✅2 ⏳0 ⚠️0" in buttons
    assert len(buttons) == 10 and buttons[-1] == "More ▸"
    await admin.press("Republic-wide")
    assert "«List the regional centres» — Republic-wide: due May 25" in admin.last_text
    await admin.press("List the regional centres")
    await admin.send("Sent to the ministry")
    assert admin.last_text.startswith("Done: «List the regional centres» — Republic-wide is")
    centres = await db.scalar(select(PlanTask).where(PlanTask.region_id.is_(None)))
    assert (centres.status, centres.done_by_id) == ("done", admin_id)


async def test_another_regions_coordinator_and_a_volunteer_are_refused(
    app: App, make_user: MakeUser, db: Db
) -> None:
    other, volunteer = make_user("Асель", "en"), make_user("Айгерім", "en")
    async with app.session_factory() as session:
        astana = await region_id(session, "astana")
        item = await plan_with_item(session, None)
        abai_task = await task_of(session, item, 1)
        await session.rollback()  # the test's own reads end before the bot is called
    await registered(app, volunteer, Role.VOLUNTEER)
    # a coordinator of Astana, not of Abai
    other_id = await registered(app, other)
    async with app.session_factory() as session:
        invite = await create_invite(
            session,
            None,
            frozenset(),
            Role.COORDINATOR,
            Scope(ScopeKind.REGION, astana),
            ttl=timedelta(days=1),
            bootstrap=True,
        )
        await redeem_as_member(session, other_id, invite.code, "en")

    await other.send("/plan")
    assert "Astana city" in other.last_text and "Abai" not in other.last_text
    await other.press_data(f"plan_task:{abai_task}")  # forged: Abai's task
    assert other.alerts()[-1] == "This button is out of date."
    await other.press_data("plan_region:1")  # forged: the administrators' region list
    assert other.alerts()[-1] == "This button is out of date."
    await other.press_data(f"plan_no_note:{abai_task}")
    assert other.alerts()[-1] == "This button is out of date."
    status = await db.scalar(select(PlanTask.status).where(PlanTask.id == abai_task))
    assert status == "open"

    await volunteer.send("/plan")
    assert volunteer.last_text.startswith("Sorry, /plan is only for ")
    assert await db.count(PlanTask) == 20


async def test_forget_keeps_the_plan_and_mydata_lists_the_tasks(app: App, db: Db) -> None:
    from services.season.records import export_tasks, forget_tasks

    async with app.session_factory() as session:
        karaganda = await region_id(session, "karaganda")
        coordinator = await person(session, "Дмитрий", "ru", Role.COORDINATOR, karaganda)
        item = await plan_with_item(session, None)
        task = await task_of(session, item, karaganda)
        await mark_done(session, coordinator, False, task, "Готово")
        exported = await export_tasks(session, coordinator)
        await session.rollback()
    [row] = exported["season_plan_tasks"]
    assert row["responsible"] and row["marked_done_by_you"] and row["note"] == "Готово"
    async with app.session_factory() as session, unit_of_work(session):
        await forget_tasks(session, coordinator)
        await session.delete(await session.get(Person, coordinator))
    kept = await db.scalar(select(PlanTask).where(PlanTask.id == task))
    assert (kept.status, kept.responsible_id, kept.done_by_id) == ("done", None, None)


async def test_the_due_query_walks_the_deadline_index(app: App) -> None:
    """What is due costs what is due: the items by their deadline, then their open tasks by
    (item_id, status); no scan of either table."""
    from services.season.reminders import open_tasks
    from storage.explain import query_plan

    async with app.session_factory() as session:
        await plan_with_item(session, None)
        plan = await query_plan(session, open_tasks(DEADLINE, DEADLINE))
        await session.rollback()
    print("\n".join(plan))
    if app.engine.dialect.name != "sqlite":
        return  # PostgreSQL plans a table of a few rows by cost: the plan is printed only
    text = " ".join(plan)
    assert "ix_plan_item_deadline" in text
    assert "ix_plan_task_item_status" in text or "uq_plan_task_item_id_region_id" in text
    assert not any(line.startswith("SCAN") and "USING" not in line for line in plan)


async def test_two_marking_one_task_done_at_once_do_it_once(app: App, db: Db) -> None:
    from tests.test_races import race

    async with app.session_factory() as session:
        karaganda = await region_id(session, "karaganda")
        admin = await person(session, "Гүлнар", "kk", Role.ADMIN)
        coordinator = await person(session, "Дмитрий", "ru", Role.COORDINATOR, karaganda)
        item = await plan_with_item(session, admin)
        task = await task_of(session, item, karaganda)
        await session.rollback()

    async def done(who: int, admin_flag: bool, note: str) -> datetime:
        async with app.session_factory() as session:
            return await mark_done(session, who, admin_flag, task, note)

    racers = [done(coordinator, False, "coordinator"), done(admin, True, "admin")]
    outcomes = await race(app, "LOCK TABLE plan_task IN SHARE MODE", racers)
    assert sum(isinstance(o, datetime) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, AlreadyDone) for o in outcomes) == 1, outcomes
    row = await db.scalar(select(PlanTask).where(PlanTask.id == task))
    winner = 0 if isinstance(outcomes[0], datetime) else 1
    assert (row.done_by_id, row.note) == [(coordinator, "coordinator"), (admin, "admin")][winner]


async def test_a_republic_wide_task_reminds_and_escalates_to_the_administrators(
    app: App, db: Db, jobs: None
) -> None:
    url = app.settings.database_url
    async with app.session_factory() as session:
        admin = await person(session, "Гүлнар", "kk", Role.ADMIN)
        async with unit_of_work(session):
            item = await add_item(
                session,
                2027,
                "centres",
                ("Орталықтар тізімі", "Список центров", "List of centres"),
                DEADLINE,
                False,
                None,  # nobody responsible: the administrators are reminded
            )
            assert item is not None
            item_id = item.id
    seven = stage_moment(DEADLINE, REMIND7)
    await tick(url, 180, now=seven + MINUTE)
    [reminder] = await outbox(db, "plan_reminder")
    assert plain(reminder.payload["text"]).startswith(
        "Еске салу: 2027 ж. 22 мамыр мерзімі бітеді: «Орталықтар тізімі» — Республика бойынша "
        "(7 күннен кейін)."
    )
    await tick(url, 180, now=stage_moment(DEADLINE, OVERDUE) + MINUTE)
    [escalation] = await outbox(db, "plan_overdue")
    assert escalation.dedup_key == f"plan_overdue:{item_id}:{admin}"
    assert plain(escalation.payload["text"]) == (
        "Мерзімі өтті: «Орталықтар тізімі» (республика бойынша) мерзімі 2027 ж. 22 мамыр еді, "
        "әлі орындалған жоқ.\nТолығырақ: /plan."
    )


async def test_an_administrator_creates_the_seasons_plan_from_the_seed(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN)
    season = season_of(local_day(utcnow()))
    await admin.send("/plan")
    assert admin.last_text == f"There is no plan for the {season} season yet."
    assert admin.buttons() == [f"Create the {season} plan"]
    await admin.send("hm")  # asked again, with its button
    assert admin.buttons() == [f"Create the {season} plan"]
    await admin.press("Create")
    assert admin.last_text.startswith(f"Season plan {season} by region")
    await admin.press_data(f"plan_create:{season}")  # again: nothing more is created
    await admin.press_data("plan_create:2031")  # another season's (forged)
    assert admin.alerts()[-1] == "This button is out of date."
    items = await db.all(select(PlanItem.code).where(PlanItem.season == season))
    assert sorted(items) == ["centres", "courses", "timetable"]
    assert await db.count(PlanTask) == 2 * 20 + 1
