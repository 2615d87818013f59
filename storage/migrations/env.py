"""Alembic environment: migrations always run on a connection handed in by storage.migrate."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from storage.models import Base


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_cli() -> None:
    # `alembic revision --autogenerate` from a shell: connect with DATABASE_URL ourselves.
    from storage.engine import create_engine

    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///var/qamqor.sqlite3"))
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_from_cli())
