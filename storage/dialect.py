"""Statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def insert_for(bind: AsyncSession | Session | Connection, model: Any) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both backends."""
    engine = bind.get_bind() if isinstance(bind, AsyncSession | Session) else bind
    return insert_in(engine.dialect.name, model)


def insert_in(dialect: str, model: Any) -> Any:
    """The same by dialect name, for statements built once per dialect and cached."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


def insert_ignoring_conflicts(
    bind: AsyncSession | Session | Connection, model: Any, columns: list[str]
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the dialect the session is bound to; with no
    `columns`, a conflict on any unique key."""
    return insert_for(bind, model).on_conflict_do_nothing(index_elements=columns or None)
