"""How a service ends its transaction. The one rule:

A service opens no transaction it does not end. It writes inside `unit_of_work` (one commit at
the end, or everything rolled back) and reads inside `reading` (the transaction ends before it
returns). So when a handler awaits the network, to reply or to send through Twilio, no
transaction is open, and SQLite's write lock is free for everyone else. Helpers and
repositories never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import READING


@asynccontextmanager
async def unit_of_work(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A domain error halfway must not leave flushed rows for a later commit to persist."""
    try:
        yield session
    except BaseException:
        await session.rollback()
        raise
    await session.commit()


@asynccontextmanager
async def reading(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Reads only: the transaction ends here, whatever happens, so no lock outlives it. On
    SQLite it takes no write lock."""
    try:
        if not session.in_transaction():
            await session.connection(execution_options={READING: True})
        yield session
    finally:
        await session.rollback()
