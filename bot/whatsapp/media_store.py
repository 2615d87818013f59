"""Documents sent as media links: stored for minutes, served by token, then purged."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.whatsapp import MediaFile


@dataclass(frozen=True)
class Media:
    filename: str
    content_type: str
    data: bytes
    expires_at: datetime


async def store_media(
    session: AsyncSession,
    recipient: str,
    filename: str,
    content_type: str,
    data: bytes,
    *,
    now: datetime,
    ttl: timedelta,
) -> tuple[str, datetime]:
    """Keep the file for `ttl` and return its unguessable token and expiry; the caller commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + ttl
    session.add(
        MediaFile(
            token=token,
            recipient=recipient,
            filename=filename[:200],
            content_type=content_type,
            data=data,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return token, expires_at


async def load_media(session: AsyncSession, token: str, now: datetime) -> Media | None:
    """The file while it has not expired; None afterwards, even before the purge runs."""
    row = await session.scalar(select(MediaFile).where(MediaFile.token == token))
    if row is None or row.expires_at <= now:
        return None
    return Media(row.filename, row.content_type, row.data, row.expires_at)
