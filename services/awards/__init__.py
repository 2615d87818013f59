"""Recognition: letters of gratitude at a season's end, with a suggested ranking (issue 10)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks
from storage.models.awards import Award
from storage.models.volunteers import Volunteer


def _mine(person_id: int) -> Any:
    return select(Volunteer.id).where(Volunteer.person_id == person_id).scalar_subquery()


async def export_awards(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """/mydata: the letters awarded to the person (who awarded them is not theirs to see)."""
    rows = await session.execute(
        select(Award.code, Award.season, Award.level, Award.reason, Award.created_at).where(
            Award.volunteer_id == _mine(person_id)
        )
    )
    return {
        "letters_of_gratitude": [
            {"code": c, "season": s, "level": lv, "reason": r, "awarded_at": at}
            for c, s, lv, r, at in rows.all()
        ]
    }


async def forget_awards(session: AsyncSession, person_id: int) -> None:
    """/forget: the letters cascade from the volunteer row too; deleted here whatever the order.
    Letters the person awarded stay, their awarder left empty by the foreign key."""
    await session.execute(delete(Award).where(Award.volunteer_id == _mine(person_id)))


HOOKS = Hooks(export=export_awards, forget=forget_awards)
