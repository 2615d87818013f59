"""What a feature (or a channel) adds to the shared machinery, declared in one place.

/mydata asks every feature what it stores about the person, /forget lets each delete what does
not cascade from the person's row, the hourly purge runs each feature's retention rules, and the
scheduler's tick asks each feature what fell due. None of them keeps a list of features: they
are handed the `Hooks` of all of them (see handlers/features.py and bot/assembly.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Delete, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

# (session, person_id) -> sections of the /mydata file, e.g. {"children": [...]}
Exporter = Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]
# (session, person_id) -> None: deletes what the person's row does not cascade to
Forgetter = Callable[[AsyncSession, int], Awaitable[None]]
# (session, now, limit) -> rows deleted, at most `limit`: the purge calls it, a commit after
# each call, until it deletes fewer (see services/maintenance.py)
Purger = Callable[[AsyncSession, datetime, int], Awaitable[int]]


@dataclass(frozen=True)
class Due:
    """Something to tell a person; `kind` picks the renderer, `params` fill its text."""

    identity_id: int
    locale: str
    kind: str
    dedup_key: str
    params: dict[str, Any] = field(default_factory=dict)
    priority: int = 0


# (session, start, end) -> what fell due in (start, end]
DueQuery = Callable[[AsyncSession, datetime, datetime], Awaitable[list[Due]]]
# Due -> the outbox payload ({"text": ..., "reply_markup": ...}) in the reader's language.
# It may depend on the kind, locale and params only: the tick renders each distinct three once.
Renderer = Callable[[Due], dict[str, Any]]


@dataclass(frozen=True)
class Hooks:
    export: Exporter | None = None
    forget: Forgetter | None = None
    purge: Mapping[str, Purger] = field(default_factory=dict)
    due: Sequence[DueQuery] = ()


async def deleted(session: AsyncSession, statement: Delete, limit: int) -> int:
    """Run a purge rule's DELETE on at most `limit` of its rows; how many went.

    The rows are picked by primary key in a subquery with LIMIT (DELETE ... LIMIT is not
    portable): give the rule's WHERE an index, or every chunk scans the table again.
    """
    table: Any = statement.table
    keys = list(table.primary_key.columns)
    key: Any = keys[0] if len(keys) == 1 else tuple_(*keys)
    chosen = select(*keys).limit(limit)
    if statement.whereclause is not None:
        chosen = chosen.where(statement.whereclause)
    result = await session.execute(delete(table).where(key.in_(chosen)))
    return int(getattr(result, "rowcount", 0) or 0)
