"""The scheduler's tick queuing one course session's reminders for 10,000 volunteers.

--volunteers approved volunteers of one region (one Telegram account each; every fourth also
on WhatsApp, which they prefer) and --others approved volunteers of other regions, all
enrolled in one mastery course of their region by enrol_region (one INSERT ... SELECT, timed).
Then the real job (bot.scheduler.tick) as of four moments: nothing due, the day before the
first session (10,000 reminders), the same tick again (nothing twice), and 15 minutes before
it (10,000 more). Prints each tick's time and count and the due-query's plan
(storage/explain.py), which reads the session by ix_course_session_starts_at and then only
that course's enrolments.
Run: python -m bench.course_tick [--volunteers N] [--others N] [--database-url U]
(a PostgreSQL --database-url is wiped: its public schema is dropped first).

Figures on the 2-core development VM (2026-11-25), defaults (10,000 volunteers enrolled,
40,000 more on other regions' courses a week later), SQLite, three runs: enrol_region 0.02 s;
tick with nothing due 0.20-0.24 s (the first tick's set-up); the day before 0.78-0.80 s, 10,000
queued; the same tick again 0.00-0.01 s, none; 15 minutes before 0.61-0.91 s, 10,000 queued
(5,000 routed to WhatsApp). The plan: course_session by ix_course_session_starts_at, course
by key, enrolment by its unique (course_id, volunteer_id) index, volunteer, person by key,
channel_identity by ix_channel_identity_person_id: nothing scans the 50,000 volunteers.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bench.tick import wipe
from bot import scheduler
from services.courses.courses import NewCourse, create_course, enrol_region
from services.courses.reminders import DAY_BEFORE, LEADS, SOON, due_statement
from storage.engine import create_engine
from storage.explain import query_plan
from storage.migrate import upgrade
from storage.models.messaging import OutboxMessage
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person
from storage.models.volunteers import Volunteer

FIRST = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
LOCALES = ("kk", "ru", "en")
BATCH = 5_000


async def seed(url: str, volunteers: int, others: int) -> tuple[int, list[int]]:
    """People 1..N with accounts and approved Volunteer rows; the first `volunteers` in the
    course's region, the rest spread over the other regions. Returns (region, other regions)."""
    engine = create_engine(url)
    await upgrade(engine)
    total = volunteers + others
    async with engine.begin() as connection:
        regions = list((await connection.scalars(select(Region.id).order_by(Region.id))).all())
        course_region, rest = regions[0], regions[1:]
        for first in range(0, total, BATCH):
            numbers = range(first, min(first + BATCH, total))
            await connection.execute(
                insert(Person),
                [
                    {
                        "id": n + 1,
                        "full_name": f"Volunteer {n}",
                        "locale": LOCALES[n % 3],
                        "preferred_channel": "whatsapp" if n % 4 == 1 else None,
                        "created_at": FIRST - timedelta(days=30),
                    }
                    for n in numbers
                ],
            )
            await connection.execute(
                insert(ChannelIdentity),
                [
                    {
                        "person_id": n + 1,
                        "channel": "telegram",
                        "external_id": str(n),
                        "created_at": FIRST - timedelta(days=30),
                    }
                    for n in numbers
                ]
                + [
                    {
                        "person_id": n + 1,
                        "channel": "whatsapp",
                        "external_id": str(77000000000 + n),
                        "created_at": FIRST - timedelta(days=29),
                    }
                    for n in numbers
                    if n % 4 == 1
                ],
            )
            await connection.execute(
                insert(Volunteer),
                [
                    {
                        "person_id": n + 1,
                        "region_id": course_region if n < volunteers else rest[n % len(rest)],
                        "status": "approved",
                        "created_at": FIRST - timedelta(days=30),
                        "updated_at": FIRST - timedelta(days=30),
                    }
                    for n in numbers
                ],
            )
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT setval('person_id_seq', :n)"), {"n": total})
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return course_region, rest


async def course(url: str, region_id: int, first: datetime = FIRST) -> tuple[int, float]:
    engine = create_engine(url)
    try:
        async with scheduler.sessions_for(url)() as session:
            course_id = await create_course(
                session,
                NewCourse(
                    title="Мастерство вожатого",
                    responsible_name="Айгүл Серікова",
                    responsible_org="Көшбасшылар орталығы",
                    conference_url="https://meet.example.kz/mastery",
                    sessions=[
                        (first + timedelta(days=n), first + timedelta(days=n, hours=2))
                        for n in range(5)
                    ],
                    region_id=region_id,
                ),
            )
            started = time.perf_counter()
            await enrol_region(session, course_id, region_id)
            return course_id, time.perf_counter() - started
    finally:
        await engine.dispose()


async def measure(url: str, volunteers: int, others: int) -> None:
    logging.getLogger("bot.scheduler").setLevel(logging.WARNING)
    where = make_url(url).render_as_string(hide_password=True)
    started = time.perf_counter()
    region, rest = await seed(url, volunteers, others)
    print(
        f"{volunteers} volunteers in the course's region, {others} in other regions, {where}; "
        f"seeded in {time.perf_counter() - started:.1f} s"
    )
    course_id, enrolling = await course(url, region)
    print(f"enrol_region (one INSERT ... SELECT): {enrolling:.2f} s")
    for other in rest:  # every other region's course, a week later: not due, not read
        await course(url, other, FIRST + timedelta(days=7))
    moments = [
        ("nothing due (two days before)", FIRST - timedelta(days=2)),
        ("day before the first session", FIRST - timedelta(days=1) + timedelta(seconds=30)),
        ("the same tick again", FIRST - timedelta(days=1) + timedelta(seconds=30)),
        ("15 minutes before it", FIRST - timedelta(minutes=15) + timedelta(seconds=30)),
    ]
    try:
        for name, now in moments:
            started = time.perf_counter()
            queued = await scheduler.tick(url, 180, now=now)
            print(f"tick, {name}: {time.perf_counter() - started:.2f} s, {queued} queued")
        async with scheduler.sessions_for(url)() as session:
            for kind in (DAY_BEFORE, SOON):
                rows = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.kind == kind)
                )
                print(f"outbox rows {kind}: {rows}")
            on_whatsapp = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
                .where(ChannelIdentity.channel == "whatsapp")
            )
            print(f"routed to WhatsApp (the preferred channel): {on_whatsapp}")
            now = FIRST - timedelta(minutes=15) + timedelta(seconds=30)
            start = now - timedelta(minutes=1)
            print("due-query plan (the 15-minute reminder):")
            for line in await query_plan(session, due_statement(start, now, LEADS[SOON])):
                print(f"  {line}")
            await session.rollback()
        print(f"course {course_id}")
    finally:
        await scheduler.dispose_job_engines()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.course_tick", description=__doc__)
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--others", type=int, default=40_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'course_tick.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql":
            asyncio.run(wipe(url))
        asyncio.run(measure(url, args.volunteers, args.others))


if __name__ == "__main__":
    main()
