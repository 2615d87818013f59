"""Linking accounts: what /forget deletes and the purge drops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks, deleted
from services.linking.tries import WINDOW
from storage.models.linking import LinkAttempt, LinkCode
from storage.models.people import ChannelIdentity


async def forget_attempts(session: AsyncSession, person_id: int) -> None:
    """Wrong tries are keyed by account (a phone number on WhatsApp), not by person."""
    accounts = select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
        ChannelIdentity.person_id == person_id
    )
    await session.execute(
        delete(LinkAttempt).where(
            tuple_(LinkAttempt.channel, LinkAttempt.external_id).in_(accounts)
        )
    )


async def purge_codes(session: AsyncSession, now: datetime, limit: int) -> int:
    return await deleted(session, delete(LinkCode).where(LinkCode.expires_at < now), limit)


async def purge_attempts(session: AsyncSession, now: datetime, limit: int) -> int:
    return await deleted(
        session, delete(LinkAttempt).where(LinkAttempt.window_started_at < now - WINDOW), limit
    )


HOOKS = Hooks(
    forget=forget_attempts,
    purge={"link_codes": purge_codes, "link_attempts": purge_attempts},
)
