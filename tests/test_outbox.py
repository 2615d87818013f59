"""The Telegram outbox sender against the Bot API stand-in over HTTP, on a real database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio import FIRST_COMPLETED
from asyncio.subprocess import PIPE
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select, update

from bot.app import App
from bot.outbox.sender import MAX_IN_FLIGHT, OutboxSender
from bot.telegram.courier import TelegramCourier
from services.channels import Channel
from services.messaging import outbox, sending
from services.messaging.outbox import claim_statements
from storage.base import utcnow
from storage.explain import query_plan
from storage.models.messaging import OutboxMessage, OutboxStatus
from storage.models.people import ChannelIdentity, Person
from tests.conftest import PG_URL, Db
from tests.standins.telegram_api import TelegramStandIn

CHAT_A, CHAT_B = 501, 502
REPO_ROOT = Path(__file__).parents[1]


def make_sender(
    app: App,
    bot: Bot,
    *,
    rate: float = 1000.0,
    per_chat_rate: float = 1000.0,
    max_attempts: int = 5,
) -> OutboxSender:
    return OutboxSender(
        TelegramCourier(bot),
        app.session_factory,
        rate=rate,
        per_chat_rate=per_chat_rate,
        max_attempts=max_attempts,
        lease=timedelta(seconds=30),
    )


async def telegram_identities(app: App, *chat_ids: int) -> list[int]:
    async with app.session_factory() as session:
        identities = [
            ChannelIdentity(
                person=Person(full_name=f"Person {chat_id}", locale="kk"),
                channel="telegram",
                external_id=str(chat_id),
            )
            for chat_id in chat_ids
        ]
        session.add_all(identities)
        await session.commit()
        return [identity.id for identity in identities]


async def enqueue(
    app: App, identity_id: int, *texts: str, priority: int = 0, **payload: Any
) -> list[bool]:
    """Queues one row per text, the text doubling as dedup key; True for each row added."""
    async with app.session_factory() as session:
        added = [
            await outbox.enqueue(
                session,
                identity_id=identity_id,
                kind="test",
                payload={"text": text, **payload},
                dedup_key=text,
                priority=priority,
            )
            for text in texts
        ]
        await session.commit()
    return added


async def rows(db: Db) -> dict[str, OutboxMessage]:
    """Outbox rows by dedup key."""
    return {row.dedup_key: row for row in await db.all(select(OutboxMessage))}


async def statuses(db: Db) -> dict[str, str]:
    return {key: row.status for key, row in (await rows(db)).items()}


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-off of 0.1 s, 0.2 s, 0.4 s ... instead of seconds."""
    monkeypatch.setattr(
        outbox, "retry_delay", lambda attempts: timedelta(seconds=0.05 * 2**attempts)
    )


async def test_sends_every_row_once_highest_priority_first(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    await enqueue(app, a, "low")
    await enqueue(app, a, "mid", "mid, later", priority=5)
    keyboard = {"inline_keyboard": [[{"text": "Open", "callback_data": "open:1"}]]}
    await enqueue(app, a, "urgent", priority=9, reply_markup=keyboard)

    # One chat, so one request at a time: the order they arrive in is the order they left in.
    stats = await make_sender(app, bot).drain()

    assert standin.sent_texts(CHAT_A) == ["urgent", "mid", "mid, later", "low"]
    assert standin.calls("sendMessage")[0].params["reply_markup"] == keyboard
    assert set((await statuses(db)).values()) == {OutboxStatus.SENT}
    assert all(row.sent_at is not None for row in (await rows(db)).values())
    assert (stats.sent, stats.failed, stats.retried_errors) == (4, 0, 0)
    assert (await make_sender(app, bot).drain()).sent == 0
    assert len(standin.calls("sendMessage")) == 4


async def test_same_dedup_key_is_queued_once(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    assert await enqueue(app, a, "reminder:42") == [True]
    assert await enqueue(app, a, "reminder:42") == [False]
    assert await db.count(OutboxMessage) == 1
    await make_sender(app, bot).drain()
    assert standin.sent_texts(CHAT_A) == ["reminder:42"]


async def test_429_pauses_all_sending_and_sends_the_row_later(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    a, b = await telegram_identities(app, CHAT_A, CHAT_B)
    await enqueue(app, a, "a1")
    await enqueue(app, b, "b1")
    standin.fail_next(method="sendMessage", status=429, retry_after=1)

    stats = await make_sender(app, bot, rate=20).drain()

    first, second, *_ = standin.requests
    assert (first.status, first.params["text"]) == (429, "a1")
    assert second.at - first.at >= 0.99, "the other chat waited for the pause too"
    assert sorted(standin.sent_texts()) == ["a1", "b1"]
    row = (await rows(db))["a1"]
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 0, None)
    assert (stats.retried_after_429, stats.sent, standin.too_many_requests) == (1, 2, 1)


async def test_403_blocks_the_identity_and_its_queued_rows(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    a, b = await telegram_identities(app, CHAT_A, CHAT_B)
    await enqueue(app, a, "a1", "a2", "a3")
    await enqueue(app, b, "b1", "b2")
    standin.fail_next(method="sendMessage", chat_id=CHAT_A, status=403)

    # A chat's next request waits for the answer to its last one, so a2 never leaves.
    stats = await make_sender(app, bot).drain()

    identity = await db.scalar(select(ChannelIdentity).where(ChannelIdentity.id == a))
    assert identity.blocked and identity.blocked_at is not None
    assert await statuses(db) == {
        "a1": OutboxStatus.BLOCKED,
        "a2": OutboxStatus.BLOCKED,
        "a3": OutboxStatus.BLOCKED,
        "b1": OutboxStatus.SENT,
        "b2": OutboxStatus.SENT,
    }
    assert standin.sent_texts(CHAT_A) == []
    assert len(standin.requests) == 3
    assert standin.sent_texts(CHAT_B) == ["b1", "b2"]
    assert (stats.blocked, stats.sent) == (1, 2)


@pytest.mark.usefixtures("quick_retries")
async def test_server_error_is_retried_with_back_off_until_telegram_recovers(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    await enqueue(app, a, "a1")
    standin.fail_next(method="sendMessage", status=500, times=2)

    stats = await make_sender(app, bot).drain()

    attempts = [request.at for request in standin.requests]
    assert [request.status for request in standin.requests] == [500, 500, 200]
    assert attempts[1] - attempts[0] >= 0.1 and attempts[2] - attempts[1] >= 0.2
    row = (await rows(db))["a1"]
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, None)
    assert (stats.retried_errors, stats.sent, stats.failed) == (2, 1, 0)


@pytest.mark.usefixtures("quick_retries")
async def test_server_error_gives_up_after_max_attempts_keeping_the_error(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    await enqueue(app, a, "a1")
    standin.fail_next(method="sendMessage", status=500, times=10)

    stats = await make_sender(app, bot, max_attempts=3).drain()

    assert len(standin.requests) == 3
    row = (await rows(db))["a1"]
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert row.last_error is not None and "Internal Server Error" in row.last_error
    assert (stats.retried_errors, stats.failed, stats.sent) == (2, 1, 0)


async def test_bad_request_and_bad_payload_fail_at_once(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    await enqueue(app, a, "a1")
    async with app.session_factory() as session:
        await outbox.enqueue(session, identity_id=a, kind="test", payload={}, dedup_key="no text")
        await session.commit()
    standin.fail_next(method="sendMessage", status=400)

    stats = await make_sender(app, bot).drain()

    assert len(standin.requests) == 1
    failed = await rows(db)
    assert {row.status for row in failed.values()} == {OutboxStatus.FAILED}
    assert failed["a1"].attempts == 1 and "chat not found" in str(failed["a1"].last_error)
    assert str(failed["no text"].last_error) == "ValueError: outbox payload has no text"
    assert (stats.failed, stats.retried_errors) == (2, 0)


async def test_one_chat_waits_for_its_limit_without_holding_up_others(
    app: App, bot: Bot, standin: TelegramStandIn
) -> None:
    a, b = await telegram_identities(app, CHAT_A, CHAT_B)
    await enqueue(app, a, "a1", "a2")
    await enqueue(app, b, "b1")
    standin.set_rate_limit(per_second=None, per_chat_per_second=2)

    await make_sender(app, bot, per_chat_rate=2).drain()

    a1, a2 = standin.calls("sendMessage", chat_id=CHAT_A)
    [b1] = standin.calls("sendMessage", chat_id=CHAT_B)
    assert a2.at - a1.at >= 0.5
    assert b1.at < a2.at
    assert standin.too_many_requests == 0


async def test_the_overall_rate_never_goes_over_the_limit(
    app: App, bot: Bot, standin: TelegramStandIn
) -> None:
    """Never faster than the limit, so Telegram refuses nothing. How close to it the sender
    gets is a figure of bench/outbox.py ("achieved / limit"), not a timed test: a loaded
    machine only makes the drain slower, which this test allows."""
    for identity_id in await telegram_identities(app, *range(1, 121)):
        await enqueue(app, identity_id, f"m{identity_id}")
    standin.set_rate_limit(per_second=100)

    stats = await make_sender(app, bot, rate=100).drain()

    assert stats.sent == 120 and standin.too_many_requests == 0
    assert stats.rate <= 100 * 1.05  # 120 messages take at least about 1.2 s


async def test_run_sends_what_is_queued_until_stopped(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db
) -> None:
    [a] = await telegram_identities(app, CHAT_A)
    stop = asyncio.Event()
    running = asyncio.create_task(make_sender(app, bot).run(stop, poll_seconds=0.05))
    await enqueue(app, a, "a1", "a2")
    async with asyncio.timeout(5):
        await standin.wait_for("sendMessage", count=2)
    stop.set()
    await running
    assert set((await statuses(db)).values()) == {OutboxStatus.SENT}


async def test_killed_drain_loses_nothing(
    app: App, bot: Bot, standin: TelegramStandIn, db: Db, database_url: str
) -> None:
    texts = [f"m{n}" for n in range(150)]
    for identity_id, text in zip(
        await telegram_identities(app, *range(1, 151)), texts, strict=True
    ):
        await enqueue(app, identity_id, text)
    env = os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": "42:TEST-TOKEN",
        "TELEGRAM_API_URL": standin.base_url,
        "OUTBOX_TELEGRAM_RATE": "50",
        "OUTBOX_CLAIM_LEASE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    drain = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "outbox-drain", cwd=REPO_ROOT, env=env, stderr=PIPE
    )
    forty_sent = asyncio.create_task(standin.wait_for("sendMessage", count=40))
    exited = asyncio.create_task(drain.wait())
    done, _ = await asyncio.wait([forty_sent, exited], timeout=20, return_when=FIRST_COMPLETED)
    forty_sent.cancel()
    if drain.returncode is None:
        drain.kill()  # SIGKILL: no clean-up of any kind runs
    _, errors = await drain.communicate()
    assert forty_sent in done and drain.returncode == -signal.SIGKILL, errors.decode()
    sent_before_kill = len(standin.calls("sendMessage"))
    assert sent_before_kill < 150, "the drain finished before it was killed"

    await asyncio.sleep(1.2)  # the dead sender's lease lapses
    await make_sender(app, bot).drain()

    received = standin.sent_texts()
    assert await statuses(db) == dict.fromkeys(texts, OutboxStatus.SENT)
    assert sorted(set(received)) == sorted(texts)
    assert len(received) - len(texts) <= MAX_IN_FLIGHT


async def test_claim_takes_lapsed_and_due_rows_in_priority_order(app: App, db: Db) -> None:
    [a, b] = await telegram_identities(app, CHAT_A, CHAT_B)
    await enqueue(app, a, "low", "dead sender's", "not yet")
    await enqueue(app, b, "mid", priority=5)
    await enqueue(app, b, "urgent", "urgent, lapsed", priority=9)
    now = utcnow()
    async with app.session_factory() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedup_key.in_(["dead sender's", "urgent, lapsed"]))
            .values(status=OutboxStatus.SENDING, claimed_until=now - timedelta(seconds=1))
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedup_key == "not yet")
            .values(not_before=now + timedelta(minutes=5))
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedup_key == "urgent, lapsed")
            .values(not_before=now - timedelta(minutes=1))
        )
        await session.commit()

    async with app.session_factory() as session:
        first = await sending.claim(session, Channel.TELEGRAM, utcnow(), 3, timedelta(minutes=1))
    async with app.session_factory() as session:
        rest = await sending.claim(session, Channel.TELEGRAM, utcnow(), 10, timedelta(minutes=1))

    texts = [[item.payload["text"] for item in claim] for claim in (first, rest)]
    assert texts == [["urgent, lapsed", "urgent", "mid"], ["low", "dead sender's"]]
    assert (await statuses(db))["not yet"] == OutboxStatus.PENDING


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's plan; PostgreSQL's in the report")
async def test_claim_walks_the_due_index_without_sorting(app: App) -> None:
    async with app.session_factory() as session:
        plans = [
            await query_plan(session, statement)
            for statement in claim_statements(Channel.TELEGRAM, utcnow(), 600)
        ]
    lapsed, *lanes = plans
    # Lapsed claims are the few rows a dead sender held: found by their own index, sorted.
    assert "INDEX ix_outbox_lapsed" in lapsed[0], lapsed
    steps = [step for plan in lanes for step in plan]
    assert not [step for step in steps if "TEMP B-TREE" in step], steps
    for plan in lanes:
        assert "USING" in plan[0] and "INDEX ix_outbox_due" in plan[0], plan
