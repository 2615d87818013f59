"""One person on several channels: a code shown on one, typed on the other; where to notify."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import LinkProblem, NotAllowed, NotRegistered
from services.notify import preferred_of, tell_account
from services.people import Actor, load_actor
from services.uow import unit_of_work
from storage.models import ChannelIdentity, LinkAttempt, LinkCode, Person

LINK_CODE_TTL = timedelta(minutes=15)
CODE_DIGITS = 8
MAX_FAILURES = 5


@dataclass(frozen=True)
class LinkOffer:
    code: str
    expires_at: datetime
    channels: Channels  # linked so far


@dataclass(frozen=True)
class Linked:
    channels: Channels
    actor: Actor  # the person as seen from the account just linked
    # The account the code was shown to: told about the link, in case it was not them.
    shown_to: int | None


@dataclass(frozen=True)
class Channels:
    """The channels a person is reachable on, and the one notifications try first."""

    person_id: int
    linked: tuple[str, ...]
    preferred: str


def new_code() -> str:
    """Eight digits: easy to type on any keyboard; with few tries per account, not guessable."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def guessing_stopped(failures: int, window_started_at: datetime, now: datetime) -> bool:
    """After MAX_FAILURES wrong codes, an account waits out the window before trying again."""
    return failures >= MAX_FAILURES and now - window_started_at < LINK_CODE_TTL


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
        # Read before the commit: no transaction stays open while the handler replies.
        offer = LinkOffer(code, expires_at, await channels_of(session, person_id))
    return offer


async def redeem_link(
    session: AsyncSession,
    code: str,
    channel: str,
    external_id: str,
    now: datetime,
) -> Linked:
    """Attach this account to the person who was shown the code; one use only."""
    attempts = await session.get(LinkAttempt, (channel, external_id))
    if attempts is not None and guessing_stopped(
        attempts.failures, attempts.window_started_at, now
    ):
        await session.rollback()
        raise LinkProblem("too_many")
    try:
        async with unit_of_work(session):
            linked = await _attach(session, code.strip(), channel, external_id, now)
    except LinkProblem as problem:
        if problem.reason in ("unknown", "expired"):
            async with unit_of_work(session):
                await _count_failure(session, channel, external_id, now)
        raise
    return linked


async def _attach(
    session: AsyncSession, code: str, channel: str, external_id: str, now: datetime
) -> Linked:
    # Taking the code and using it is one statement: two accounts racing for it cannot both win.
    taken = (
        await session.execute(
            delete(LinkCode)
            .where(LinkCode.code == code)
            .returning(LinkCode.person_id, LinkCode.channel, LinkCode.expires_at)
        )
    ).one_or_none()
    if taken is None:
        raise LinkProblem("unknown")
    person_id, shown_on, expires_at = taken
    if expires_at <= now:
        raise LinkProblem("expired")
    if shown_on == channel:
        raise LinkProblem("same_channel")  # rolled back: the code still works on the other one
    owner = await session.scalar(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    )
    if owner is not None and owner != person_id:
        raise LinkProblem("registered_elsewhere")
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
            raise LinkProblem("channel_taken")
        session.add(ChannelIdentity(person_id=person_id, channel=channel, external_id=external_id))
        await session.flush()
    actor = await load_actor(session, channel, external_id)
    assert actor is not None
    return Linked(await channels_of(session, person_id), actor, identities.get(shown_on))


async def _count_failure(
    session: AsyncSession, channel: str, external_id: str, now: datetime
) -> None:
    attempts = await session.get(LinkAttempt, (channel, external_id))
    if attempts is None:
        session.add(
            LinkAttempt(channel=channel, external_id=external_id, failures=1, window_started_at=now)
        )
    elif now - attempts.window_started_at >= LINK_CODE_TTL:
        attempts.failures, attempts.window_started_at = 1, now
    else:
        attempts.failures += 1


async def tell_owner(session: AsyncSession, linked: Linked, text: str) -> None:
    """Tell the account the code was shown to that another one joined it (once); commits."""
    if linked.shown_to is None:
        return
    key = f"link:{linked.shown_to}:{linked.actor.identity_id}"
    await tell_account(session, linked.shown_to, text, key)


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
