"""Invites to staff roles: what the purge drops."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks, deleted
from storage.models.invites import Invite

KEEP_EXPIRED = timedelta(days=30)


async def purge_expired(session: AsyncSession, now: datetime, limit: int) -> int:
    """Invites long expired: a month is enough to answer "why did my link not work?"."""
    return await deleted(
        session, delete(Invite).where(Invite.expires_at < now - KEEP_EXPIRED), limit
    )


HOOKS = Hooks(purge={"invites": purge_expired})
