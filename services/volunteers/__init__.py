"""The volunteer movement's services: what /mydata shows of it and what /forget deletes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hooks import Hooks
from storage.models.volunteers import Institution, Volunteer

VOLUNTEER_FIELDS = (
    "status",
    "birth_date",
    "region_id",
    "institution_id",
    "squad_id",
    "parent_consent_at",
    "submitted_at",
    "decided_at",
    "reject_reason",
    "created_at",
    "updated_at",
)


async def export_volunteer(session: AsyncSession, person_id: int) -> dict[str, Any]:
    volunteer = await session.scalar(select(Volunteer).where(Volunteer.person_id == person_id))
    proposed = await session.scalars(
        select(Institution).where(Institution.proposed_by_id == person_id)
    )
    return {
        "volunteer": (
            {name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS} if volunteer else None
        ),
        "institutions_proposed": [
            {"name": i.name, "region_id": i.region_id, "confirmed": i.confirmed} for i in proposed
        ],
    }


async def forget_volunteer(session: AsyncSession, person_id: int) -> None:
    """The application goes; an institution they typed in that nobody confirmed goes too."""
    await session.execute(delete(Volunteer).where(Volunteer.person_id == person_id))
    await session.execute(
        delete(Institution).where(
            Institution.proposed_by_id == person_id, Institution.confirmed.is_(False)
        )
    )


HOOKS = Hooks(export=export_volunteer, forget=forget_volunteer)
