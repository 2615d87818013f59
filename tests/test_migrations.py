"""Alembic: up → down → up works, and the migrations build exactly the models' schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, insert, inspect, select, text

from storage.base import Base
from storage.engine import create_engine
from storage.migrate import downgrade, upgrade
from storage.models.invites import Invite
from storage.models.org import Club, Region, Site


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


async def test_names_revision_down_and_up_keeps_what_refers_to_clubs(database_url: str) -> None:
    """0006 down to 0005 drops the names in place: no club or site is copied and dropped, which
    on SQLite would run the ON DELETE actions of the invites and clubs that refer to them."""
    engine = create_engine(database_url)
    abai_ru = text("SELECT name_ru FROM region WHERE code = 'abai'")
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            assert await connection.scalar(abai_ru) == "область Абай"
            await connection.execute(insert(Site).values(id=7, name="Бас ғимарат"))
            await connection.execute(
                insert(Club).values(
                    id=8, name="Домбыра үйірмесі", name_ru="Кружок домбры", site_id=7
                )
            )
            expires = datetime.now(UTC) + timedelta(days=1)
            await connection.execute(
                insert(Invite).values(code="c0de", role="teacher", club_id=8, expires_at=expires)
            )
        await downgrade(engine, "0005")
        async with engine.connect() as connection:
            columns = await connection.run_sync(lambda c: inspect(c).get_columns("club"))
            assert "name_ru" not in {column["name"] for column in columns}
            assert await connection.scalar(text("SELECT site_id FROM club")) == 7
            assert await connection.scalar(text("SELECT club_id FROM invite")) == 8
            assert await connection.scalar(abai_ru) == "Абайская область"
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(schema_diff) == []
            assert await connection.scalar(abai_ru) == "область Абай"
            assert await connection.scalar(select(Club.name_ru)) is None
    finally:
        await engine.dispose()
