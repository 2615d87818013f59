"""The demo's season plan: the season being planned now (next summer's, in November), its
three items from the seed, one more due in five days (so `:tick` shows its reminders), and a
few regions done. Loading twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.roles import Role
from services.season.plan import DONE, OPEN, add_item, add_season
from services.season.rules import local_day, season_of
from storage.base import utcnow
from storage.models.org import Region
from storage.models.people import RoleGrant
from storage.models.season import PlanItem, PlanTask

SOCIAL = (
    "МЫҢ ЖАСА-мен бірге орталықтың әлеуметтік желідегі парақшаларын ашу",
    "Открыть страницы центра в соцсетях вместе с МЫҢ ЖАСА",
    "Open the centre's social pages with MYŃ JASA",
)
DONE_TIMETABLE = {
    "astana": "Кесте бекітілді, жауаптылар тағайындалды.",
    "almaty_city": "Расписание утверждено приказом № 14.",
    "shymkent": "",
}


async def load_season_demo(session: AsyncSession) -> None:
    """Inside load_demo's transaction."""
    now = utcnow()
    season = season_of(local_day(now))
    admin = await session.scalar(
        select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN.value).limit(1)
    )
    if not await add_season(session, season, admin):
        return  # loaded before
    await add_item(
        session, season, "social_pages", SOCIAL, local_day(now) + timedelta(days=5), True, admin
    )
    timetable = await session.scalar(
        select(PlanItem.id).where(PlanItem.season == season, PlanItem.code == "timetable")
    )
    for code, note in DONE_TIMETABLE.items():
        region = await session.scalar(select(Region.id).where(Region.code == code))
        await session.execute(
            update(PlanTask)
            .where(
                PlanTask.item_id == timetable,
                PlanTask.region_id == region,
                PlanTask.status == OPEN,
            )
            .values(status=DONE, done_at=now, note=note or None)
        )
