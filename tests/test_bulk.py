"""Many at once: notify_many routes like notify(), a tick cut short loses nothing, the purge
deletes a chunk at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import scheduling
from services.hooks import Due
from services.maintenance import purge
from services.messaging.notify import Notice, notify, notify_many, route
from services.scheduling import enqueue_due
from storage.models.messaging import OutboxMessage
from storage.models.people import ChannelIdentity, Person
from storage.models.system import ProcessedUpdate, SchedulerMark
from storage.models.whatsapp import WhatsAppChat
from tests.test_services import HOOKS

T0 = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


async def people(session: AsyncSession) -> dict[str, int]:
    """Accounts by name: one on Telegram only, one who prefers WhatsApp, one on both channels
    without a preference (the first registered wins), one who blocked the bot."""
    await session.execute(
        insert(Person),
        [
            {"id": 1, "full_name": "Telegram only", "locale": "kk"},
            {
                "id": 2,
                "full_name": "Prefers WhatsApp",
                "locale": "ru",
                "preferred_channel": "whatsapp",
            },
            {"id": 3, "full_name": "Both", "locale": "en"},
            {"id": 4, "full_name": "Blocked", "locale": "kk"},
        ],
    )
    rows: list[dict[str, Any]] = [
        {"id": 11, "person_id": 1, "channel": "telegram", "external_id": "11"},
        {"id": 21, "person_id": 2, "channel": "telegram", "external_id": "21"},
        {"id": 22, "person_id": 2, "channel": "whatsapp", "external_id": "77000000022"},
        {"id": 31, "person_id": 3, "channel": "whatsapp", "external_id": "77000000031"},
        {"id": 32, "person_id": 3, "channel": "telegram", "external_id": "32"},
        {"id": 41, "person_id": 4, "channel": "telegram", "external_id": "41", "blocked": True},
    ]
    for n, row in enumerate(rows):  # registered in this order
        row["created_at"] = T0 + timedelta(minutes=n)
    await session.execute(insert(ChannelIdentity), rows)
    await session.commit()
    return {"tg": 11, "tg_of_wa": 21, "wa": 22, "wa_first": 31, "tg_second": 32, "blocked": 41}


async def queued(session: AsyncSession, prefix: str) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.dedup_key, OutboxMessage.identity_id).where(
            OutboxMessage.dedup_key.startswith(prefix)
        )
    )
    await session.rollback()
    return {key.removeprefix(prefix): identity for key, identity in rows.all()}


async def test_notify_many_routes_like_notify_and_keeps_dedup_keys(session: AsyncSession) -> None:
    ids = await people(session)
    for name, identity in ids.items():
        await notify(session, identity, kind="k", payload={"text": name}, dedup_key=f"one:{name}")
    await session.commit()
    await notify(session, ids["tg"], kind="k", payload={"text": "x"}, dedup_key="many:tg")
    await session.commit()

    notices = [Notice(i, "k", {"text": n}, f"many:{n}") for n, i in ids.items()]
    notices.append(Notice(ids["wa"], "k", {"text": "again"}, "many:wa"))  # same key twice
    count = await notify_many(session, notices)
    await session.commit()

    one, many = await queued(session, "one:"), await queued(session, "many:")
    assert many == one  # the same accounts chosen
    assert many == {"tg": 11, "tg_of_wa": 22, "wa": 22, "wa_first": 31, "tg_second": 31}
    assert count == 4  # "tg" was queued before, the same key counts once, "blocked" has no way
    assert many["tg"] == (await route(session, 1))[0]
    payload = await session.scalar(
        select(OutboxMessage.payload).where(OutboxMessage.dedup_key == "many:wa")
    )
    assert payload == {"text": "wa"}  # the first of two notices with one key


async def test_tick_cut_short_is_finished_by_the_next_once(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await people(session)
    accounts = [ids["tg"], ids["tg_of_wa"], ids["wa_first"], ids["tg_second"], ids["wa"]]
    due_at = T0 + timedelta(seconds=30)

    async def lessons(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
        if not start < due_at <= end:
            return []
        return [Due(i, "en", "lesson", f"lesson:{i}", {"room": "A1"}) for i in accounts]

    rendered: list[str] = []

    def render(due: Due) -> dict[str, Any]:
        rendered.append(due.locale)
        return {"text": f"Lesson in {due.params['room']}"}

    real = notify_many
    calls = 0

    async def crashing(session: AsyncSession, notices: list[Notice]) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("killed halfway")
        return await real(session, notices)

    monkeypatch.setattr(scheduling, "notify_many", crashing)
    now = T0 + timedelta(minutes=1)
    with pytest.raises(RuntimeError):
        await enqueue_due(session, "reminders", now, timedelta(hours=1), [lessons], render, chunk=2)
    assert len(await queued(session, "lesson:")) == 2  # the first chunk was committed
    assert await session.scalar(select(SchedulerMark)) is None  # the mark did not move
    await session.rollback()
    assert rendered == ["en"]  # one text for five people

    monkeypatch.setattr(scheduling, "notify_many", real)
    later = now + timedelta(minutes=1)
    count = await enqueue_due(
        session, "reminders", later, timedelta(hours=1), [lessons], render, chunk=2
    )
    assert count == 3  # the rest, once
    rows = await queued(session, "lesson:")
    assert sorted(rows) == sorted(str(i) for i in accounts)
    mark = await session.scalar(select(SchedulerMark.reached_at))
    assert mark == later


async def test_purge_deletes_a_chunk_at_a_time(session: AsyncSession) -> None:
    await people(session)  # 77000000022 is a registered WhatsApp number
    now = T0 + timedelta(days=30)
    old, new = now - timedelta(days=8), now - timedelta(days=1)
    await session.execute(
        insert(ProcessedUpdate),
        [
            {"channel": "telegram", "update_key": str(n), "processed_at": old if n < 5 else new}
            for n in range(7)
        ],
    )
    registered = "77000000022"
    await session.execute(
        insert(WhatsAppChat),
        [
            {"address": "77000000001", "updated_at": old},  # a stranger, long ago: goes
            {"address": registered, "updated_at": old},  # registered: stays
            {"address": "77000000002", "updated_at": new},  # a stranger, recently: stays
        ],
    )
    await session.commit()
    deletes: list[str] = []

    def count_deletes(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("DELETE FROM processed_update"):
            deletes.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count_deletes)
    try:
        counts = await purge(session, now, HOOKS, chunk=2)
    finally:
        event.remove(engine, "before_cursor_execute", count_deletes)

    assert counts["processed_updates"] == 5 and counts["whatsapp_chats"] == 1
    assert len(deletes) == 3  # 2, 2, then 1 (fewer than a chunk: done)
    kept = await session.scalars(select(ProcessedUpdate.update_key).order_by("update_key"))
    assert list(kept) == ["5", "6"]
    chats = await session.scalars(select(WhatsAppChat.address).order_by(WhatsAppChat.address))
    assert list(chats) == ["77000000002", registered]
