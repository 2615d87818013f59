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

from sqlalchemy import Delete
from sqlalchemy.ext.asyncio import AsyncSession

# (session, person_id) -> sections of the /mydata file, e.g. {"children": [...]}
Exporter = Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]
# (session, person_id) -> None: deletes what the person's row does not cascade to
Forgetter = Callable[[AsyncSession, int], Awaitable[None]]
# (session, now) -> rows deleted
Purger = Callable[[AsyncSession, datetime], Awaitable[int]]


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


async def deleted(session: AsyncSession, statement: Delete) -> int:
    """Run a purge rule's DELETE; how many rows went."""
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
