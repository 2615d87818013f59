"""A statement's query plan on the session's database: SQLite's EXPLAIN QUERY PLAN, or EXPLAIN."""

from __future__ import annotations

from sqlalchemy import Executable, bindparam, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg2
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


async def query_plan(session: AsyncSession, statement: Executable) -> list[str]:
    """One line per step of the plan, in the database's own words."""
    assert isinstance(statement, ClauseElement)
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    # Named parameters, so the plan is asked for with the statement's own (typed) values.
    dialect: Dialect
    if on_sqlite:
        dialect = sqlite.dialect(paramstyle="named")
    else:
        # psycopg2's compiler writes no casts after parameters, which text() could not parse.
        dialect = psycopg2.dialect(paramstyle="named")  # type: ignore[no-untyped-call]
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    explain = text(("EXPLAIN QUERY PLAN " if on_sqlite else "EXPLAIN ") + str(compiled))
    values = [
        bindparam(name, value, type_=compiled.binds[name].type)
        for name, value in compiled.params.items()
    ]
    rows = (await session.execute(explain.bindparams(*values))).all()
    return [str(row[-1] if on_sqlite else row[0]) for row in rows]
