"""One person on several channels: a code shown on one, typed on the other; where to notify."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import LinkProblem, NotAllowed, NotRegistered
from services.people import Actor, load_actor
from services.uow import unit_of_work
from storage.models import ChannelIdentity, LinkCode, Person

LINK_CODE_TTL = timedelta(minutes=15)
CODE_DIGITS = 6


@dataclass(frozen=True)
class LinkOffer:
    code: str
    expires_at: datetime
    channels: Channels  # linked so far


@dataclass(frozen=True)
class Linked:
    channels: Channels
    actor: Actor  # the person as seen from the account just linked


@dataclass(frozen=True)
class Channels:
    """The channels a person is reachable on, and the one notifications try first."""

    person_id: int
    linked: tuple[str, ...]
    preferred: str


def new_code() -> str:
    """Six digits: easy to type on a cheap phone; a quarter hour and one use keep it safe."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def preferred_of(linked: Sequence[tuple[str, datetime]], chosen: str | None) -> str:
    """The chosen channel while it is linked, else the one the person registered on first."""
    channels = [channel for channel, _ in sorted(linked, key=lambda pair: pair[1])]
    return chosen if chosen in channels else channels[0]


async def offer_link(
    session: AsyncSession, person_id: int, channel: str, now: datetime
) -> LinkOffer:
    """A fresh code for this person; older unused codes stop working."""
    async with unit_of_work(session):
        await session.execute(delete(LinkCode).where(LinkCode.person_id == person_id))
        while True:
            code = new_code()
            if await session.get(LinkCode, code) is None:
                break
        expires_at = now + LINK_CODE_TTL
        session.add(
            LinkCode(
                code=code,
                person_id=person_id,
                channel=channel,
                created_at=now,
                expires_at=expires_at,
            )
        )
    return LinkOffer(code, expires_at, await channels_of(session, person_id))


async def redeem_link(
    session: AsyncSession,
    code: str,
    channel: str,
    external_id: str,
    now: datetime,
) -> Linked:
    """Attach this account to the person who was shown the code; one use only."""
    async with unit_of_work(session):
        link = await session.get(LinkCode, code.strip())
        if link is None:
            raise LinkProblem("unknown")
        if link.expires_at <= now:
            raise LinkProblem("expired")  # the hourly purge removes it
        if link.channel == channel:
            raise LinkProblem("same_channel")
        owner = await session.scalar(
            select(ChannelIdentity.person_id).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
        )
        if owner is not None and owner != link.person_id:
            raise LinkProblem("registered_elsewhere")
        if owner is None:
            taken = await session.scalar(
                select(ChannelIdentity.id).where(
                    ChannelIdentity.person_id == link.person_id, ChannelIdentity.channel == channel
                )
            )
            if taken is not None:
                raise LinkProblem("channel_taken")
            session.add(
                ChannelIdentity(person_id=link.person_id, channel=channel, external_id=external_id)
            )
        await session.delete(link)
        person_id = link.person_id
    actor = await load_actor(session, channel, external_id)
    assert actor is not None
    return Linked(await channels_of(session, person_id), actor)


async def channels_of(session: AsyncSession, person_id: int) -> Channels:
    person = await session.get(Person, person_id)
    if person is None:
        raise NotRegistered()
    linked = list(
        (
            await session.execute(
                select(ChannelIdentity.channel, ChannelIdentity.created_at).where(
                    ChannelIdentity.person_id == person_id
                )
            )
        ).all()
    )
    ordered = tuple(channel for channel, _ in sorted(linked, key=lambda pair: pair[1]))
    return Channels(person_id, ordered, preferred_of(linked, person.preferred_channel))


async def prefer_channel(session: AsyncSession, person_id: int, channel: str) -> Channels:
    """Notifications try `channel` first; it must be one the person has linked."""
    current = await channels_of(session, person_id)
    if channel not in current.linked:
        raise NotAllowed(channel)
    person = await session.get(Person, person_id)
    assert person is not None
    person.preferred_channel = channel
    await session.commit()
    return Channels(person_id, current.linked, channel)
