"""One person on several channels: a code shown on one, typed on the other; where to notify."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.errors import DomainError, NotAllowed, NotRegistered
from services.messaging.notify import preferred_of, tell_account
from services.people import Actor, load_actor
from services.text import is_token
from services.uow import reading, unit_of_work
from storage.dialect import insert_for
from storage.models.linking import LinkAttempt, LinkCode
from storage.models.people import ChannelIdentity, Person

LINK_CODE_TTL = timedelta(minutes=15)
CODE_DIGITS = 8
MAX_FAILURES = 5


class LinkReason(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SAME_CHANNEL = "same_channel"
    REGISTERED_ELSEWHERE = "registered_elsewhere"
    CHANNEL_TAKEN = "channel_taken"
    TOO_MANY = "too_many"


class LinkProblem(DomainError):
    """A link code that cannot join two accounts, and why."""

    def __init__(self, reason: LinkReason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Channels:
    """The channels a person is reachable on, and the one notifications try first."""

    person_id: int
    linked: tuple[Channel, ...]
    preferred: Channel


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


def guessing_stopped(failures: int, window_started_at: datetime, now: datetime) -> bool:
    """After MAX_FAILURES wrong codes, an account waits out the window before trying again."""
    return failures >= MAX_FAILURES and now - window_started_at < LINK_CODE_TTL


async def offer_link(
    session: AsyncSession, person_id: int, channel: Channel, now: datetime
) -> LinkOffer:
    """A fresh code for this person; an older unused one stops working."""
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
    now: datetime,
    notice: Callable[[Linked], str],
) -> Linked:
    """Attach this account to the person who was shown the code; one use only.

    The account the code was shown on is told (`notice`, rendered in the owner's language),
    in the same commit: whoever saw or guessed the code cannot link unnoticed.
    """
    async with reading(session):
        attempts = await session.get(LinkAttempt, (channel, external_id))
        stopped = attempts is not None and guessing_stopped(
            attempts.failures, attempts.window_started_at, now
        )
    if stopped:
        raise LinkProblem(LinkReason.TOO_MANY)
    try:
        async with unit_of_work(session):
            linked, shown_to = await _attach(session, code.strip(), channel, external_id, now)
            if shown_to is not None:
                key = f"link:{shown_to}:{linked.actor.identity_id}"
                await tell_account(session, shown_to, notice(linked), key)
    except LinkProblem as problem:
        if problem.reason in (LinkReason.UNKNOWN, LinkReason.EXPIRED):
            async with unit_of_work(session):
                await _count_failure(session, channel, external_id, now)
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
    owner = await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    )
    if owner is not None and owner != person_id:
        raise LinkProblem(LinkReason.REGISTERED_ELSEWHERE)
    identities = dict(
        (
            await session.execute(
                select(ChannelIdentity.channel, ChannelIdentity.id).where(
                    ChannelIdentity.person_id == person_id
                )
            )
        ).all()
    )
    if owner is None:
        if channel in identities:
            raise LinkProblem(LinkReason.CHANNEL_TAKEN)
        session.add(ChannelIdentity(person_id=person_id, channel=channel, external_id=external_id))
        await session.flush()
    actor = await load_actor(session, channel, external_id)
    assert actor is not None
    linked = Linked(await channels_of(session, person_id), actor)
    return linked, identities.get(shown_on)


async def _count_failure(
    session: AsyncSession, channel: Channel, external_id: str, now: datetime
) -> None:
    """One statement, so wrong tries typed at once all count."""
    window_over = LinkAttempt.window_started_at <= now - LINK_CODE_TTL
    await session.execute(
        insert_for(session, LinkAttempt)
        .values(channel=channel, external_id=external_id, failures=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=["channel", "external_id"],
            set_={
                "failures": case((window_over, 1), else_=LinkAttempt.failures + 1),
                "window_started_at": case((window_over, now), else_=LinkAttempt.window_started_at),
            },
        )
    )


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
    ordered = tuple(Channel(channel) for channel, _ in sorted(linked, key=lambda pair: pair[1]))
    return Channels(person_id, ordered, Channel(preferred_of(linked, chosen)))


async def prefer_channel(session: AsyncSession, person_id: int, channel: Channel) -> Channels:
    """Notifications try `channel` first; it must be one the person has linked."""
    async with unit_of_work(session):
        current = await channels_of(session, person_id)
        if channel not in current.linked:
            raise NotAllowed(channel)
        await session.execute(
            update(Person).where(Person.id == person_id).values(preferred_channel=channel)
        )
    return Channels(person_id, current.linked, channel)
