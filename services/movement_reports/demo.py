"""Demo data of the reports: schools no squad serves yet, so that /report and its "schools
without a squad" sheet have something to show (the rest of its figures come from the
volunteers' and courses' demo). Loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.org import Region
from storage.models.volunteers import School

UNCOVERED = {
    "karaganda": ("Теміртау", ("№8 жалпы білім беретін мектеп", "№24 мектеп-лицей")),
    "shymkent": ("Әл-Фараби ауданы", ("№64 жалпы білім беретін мектеп",)),
}


async def load_report_demo(session: AsyncSession) -> None:
    """The caller commits (load_demo's unit of work)."""
    for code, (district, names) in UNCOVERED.items():
        region_id = await session.scalar(select(Region.id).where(Region.code == code))
        if region_id is None:
            continue
        for name in names:
            exists = await session.scalar(
                select(School.id).where(
                    School.region_id == region_id, School.district == district, School.name == name
                )
            )
            if exists is None:
                session.add(School(region_id=region_id, district=district, name=name))
    await session.flush()
