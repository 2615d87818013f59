"""A service's unit of work: commit what it did, or roll all of it back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession


@asynccontextmanager
async def unit_of_work(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A domain error halfway must not leave flushed rows for a later commit to persist."""
    try:
        yield session
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
