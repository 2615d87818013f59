"""Notes to self: the rules, and what the feature adds to /mydata, /forget, purge and the tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Due, Hooks, deleted
from services.text import clean_text
from services.uow import unit_of_work
from storage.models.people import ChannelIdentity, Person
from tests.example_feature.models import Note

KEEP = timedelta(days=30)
KIND = "note_reminder"


async def add_note(
    session: AsyncSession, person_id: int, text: str, remind_at: datetime | None
) -> int:
    """How many notes the person has now."""
    async with unit_of_work(session):
        session.add(Note(person_id=person_id, text=clean_text(text, 200), remind_at=remind_at))
        await session.flush()
        notes = await session.scalars(select(Note.id).where(Note.person_id == person_id))
        return len(list(notes))


async def export_notes(session: AsyncSession, person_id: int) -> dict[str, Any]:
    rows = await session.execute(
        select(Note.text, Note.created_at).where(Note.person_id == person_id)
    )
    return {"notes": [{"text": text, "created_at": at} for text, at in rows.all()]}


async def forget_notes(session: AsyncSession, person_id: int) -> None:
    await session.execute(delete(Note).where(Note.person_id == person_id))


async def purge_old(session: AsyncSession, now: datetime, limit: int) -> int:
    return await deleted(session, delete(Note).where(Note.created_at < now - KEEP), limit)


async def reminders_due(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
    rows = await session.execute(
        select(Note.id, Note.text, ChannelIdentity.id, Person.locale)
        .join(Person, Person.id == Note.person_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Note.remind_at > start, Note.remind_at <= end)
    )
    return [
        Due(identity, locale, KIND, f"{KIND}:{note}", {"text": text})
        for note, text, identity, locale in rows.all()
    ]


HOOKS = Hooks(
    export=export_notes,
    forget=forget_notes,
    purge={"notes": purge_old},
    due=[reminders_due],
)
