"""Alembic: up → down → up works, and the migrations build exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, select

from storage.base import Base
from storage.engine import create_engine
from storage.migrate import downgrade, upgrade
from storage.models.org import Region


def schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(schema_diff) == []
            assert await connection.scalar(select(func.count()).select_from(Region)) == 20
        await downgrade(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            assert set(tables) <= {"alembic_version"}
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(schema_diff) == []
            assert await connection.scalar(select(func.count()).select_from(Region)) == 20
    finally:
        await engine.dispose()
