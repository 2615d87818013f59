"""Which channels a person is reachable on, and which one notifications try first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.errors import NotAllowed, NotRegistered
from services.messaging.notify import preferred_of
from services.uow import unit_of_work
from storage.changes import people_changed
from storage.models.people import ChannelIdentity, Person


@dataclass(frozen=True)
class Channels:
    person_id: int
    linked: tuple[Channel, ...]  # in the order they were linked
    preferred: Channel


async def channels_of(session: AsyncSession, person_id: int) -> Channels:
    """Runs in the caller's transaction."""
    chosen = await session.scalar(select(Person.preferred_channel).where(Person.id == person_id))
    linked = list(
        (
            await session.execute(
                select(ChannelIdentity.channel, ChannelIdentity.created_at).where(
                    ChannelIdentity.person_id == person_id
                )
            )
        ).all()
    )
    if not linked:
        raise NotRegistered()
    pairs = [(channel, at) for channel, at in linked]
    ordered = tuple(Channel(channel) for channel, _ in sorted(pairs, key=lambda pair: pair[1]))
    return Channels(person_id, ordered, Channel(preferred_of(pairs, chosen)))


async def prefer_channel(session: AsyncSession, person_id: int, channel: Channel) -> Channels:
    """Notifications try `channel` first; it must be one the person has linked."""
    async with unit_of_work(session):
        current = await channels_of(session, person_id)
        if channel not in current.linked:
            raise NotAllowed(channel)
        await session.execute(
            update(Person).where(Person.id == person_id).values(preferred_channel=channel)
        )
        people_changed(session, persons=[person_id])
    return Channels(person_id, current.linked, channel)
