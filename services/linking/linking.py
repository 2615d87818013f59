"""One person on several channels: a code shown on one, typed on the other."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.errors import DomainError
from services.linking.channels import Channels, channels_of
from services.linking.tries import MAX_FAILURES, give_back_try, take_try
from services.messaging.notify import tell_account
from services.people import Actor, load_actor
from services.text import is_token
from services.uow import unit_of_work
from storage.base import utcnow
from storage.changes import people_changed
from storage.dialect import insert_for, insert_ignoring_conflicts
from storage.models.linking import LinkCode
from storage.models.people import ChannelIdentity

LINK_CODE_TTL = timedelta(minutes=15)
CODE_DIGITS = 8


class LinkReason(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SAME_CHANNEL = "same_channel"
    REGISTERED_ELSEWHERE = "registered_elsewhere"
    CHANNEL_TAKEN = "channel_taken"
    TOO_MANY = "too_many"


# A wrong or stale code may be a guess: those tries count.
GUESSES = frozenset({LinkReason.UNKNOWN, LinkReason.EXPIRED})


class LinkProblem(DomainError):
    """A link code that cannot join two accounts, and why."""

    def __init__(self, reason: LinkReason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LinkOffer:
    code: str
    expires_at: datetime
    channels: Channels  # linked so far


@dataclass(frozen=True)
class Linked:
    channels: Channels
    actor: Actor  # the person as seen from the account just linked


def new_code() -> str:
    """Eight digits: easy to type on any keyboard; with few tries per account, not guessable."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and is_token(code, string.digits, max_length=CODE_DIGITS)


async def offer_link(
    session: AsyncSession, person_id: int, channel: Channel, now: datetime | None = None
) -> LinkOffer:
    """A fresh code for this person; an older unused one stops working."""
    now = now or utcnow()
    async with unit_of_work(session):
        while True:
            code = new_code()
            if await session.get(LinkCode, code) is None:
                break
        expires_at = now + LINK_CODE_TTL
        values = {"code": code, "channel": channel, "created_at": now, "expires_at": expires_at}
        # One row per person, replaced in one statement: two offers at once leave one code.
        await session.execute(
            insert_for(session, LinkCode)
            .values(person_id=person_id, **values)
            .on_conflict_do_update(index_elements=["person_id"], set_=values)
        )
        offer = LinkOffer(code, expires_at, await channels_of(session, person_id))
    return offer


async def redeem_link(
    session: AsyncSession,
    code: str,
    channel: Channel,
    external_id: str,
    notice: Callable[[Linked], str],
    now: datetime | None = None,
) -> Linked:
    """Attach this account to the person who was shown the code; one use only.

    The account the code was shown on is told (`notice`, rendered in the owner's language),
    in the same commit: whoever saw or guessed the code cannot link unnoticed.
    """
    now = now or utcnow()
    async with unit_of_work(session):
        tries = await take_try(session, channel, external_id, now)
    if tries > MAX_FAILURES:
        raise LinkProblem(LinkReason.TOO_MANY)
    try:
        async with unit_of_work(session):
            linked, shown_to = await _attach(session, code.strip(), channel, external_id, now)
            if shown_to is not None:
                key = f"link:{shown_to}:{linked.actor.identity_id}"
                await tell_account(session, shown_to, notice(linked), key)
            await give_back_try(session, channel, external_id)
    except LinkProblem as problem:
        if problem.reason not in GUESSES:
            async with unit_of_work(session):
                await give_back_try(session, channel, external_id)
        raise
    return linked


async def _attach(
    session: AsyncSession, code: str, channel: Channel, external_id: str, now: datetime
) -> tuple[Linked, int | None]:
    if not well_formed(code):
        raise LinkProblem(LinkReason.UNKNOWN)
    # Taking the code and using it is one statement: two accounts racing for it cannot both win.
    taken = (
        await session.execute(
            delete(LinkCode)
            .where(LinkCode.code == code)
            .returning(LinkCode.person_id, LinkCode.channel, LinkCode.expires_at)
        )
    ).one_or_none()
    if taken is None:
        raise LinkProblem(LinkReason.UNKNOWN)
    person_id, shown_on, expires_at = taken
    if expires_at <= now:
        raise LinkProblem(LinkReason.EXPIRED)
    if shown_on == channel:
        # Rolled back: the code still works on the other channel.
        raise LinkProblem(LinkReason.SAME_CHANNEL)
    shown_to = await session.scalar(
        select(ChannelIdentity.id).where(
            ChannelIdentity.person_id == person_id, ChannelIdentity.channel == shown_on
        )
    )
    await _join(session, person_id, channel, external_id)
    actor = await load_actor(session, channel, external_id)
    assert actor is not None
    return Linked(await channels_of(session, person_id), actor), shown_to


async def _join(session: AsyncSession, person_id: int, channel: Channel, external_id: str) -> None:
    """The account becomes the person's; the unique keys settle a race with a registration
    of the same account or a second account on the same channel."""
    joined = await session.scalar(
        insert_ignoring_conflicts(session, ChannelIdentity, [])
        .values(person_id=person_id, channel=channel, external_id=external_id)
        .returning(ChannelIdentity.id)
    )
    if joined is not None:
        people_changed(session, persons=[person_id], accounts=[(channel, external_id)])
        return
    owner = await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    )
    if owner == person_id:
        return  # linked already: the code did no harm
    if owner is not None:
        raise LinkProblem(LinkReason.REGISTERED_ELSEWHERE)
    raise LinkProblem(LinkReason.CHANNEL_TAKEN)
