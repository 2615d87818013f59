"""Demo data for the console and trials: the Balkhash Palace of Schoolchildren and six people.

Names, addresses and Telegram ids are invented. Loading twice changes nothing: each row is
looked up by its natural key (site and club name as given, Telegram id) before it is created;
a site or club that lacks its kk, ru or en name gets it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.demo import load_award_demo
from services.channels import Channel
from services.consent import Purpose, consent_for, record_consent
from services.courses.demo import load_course_demo
from services.movement_reports.demo import load_report_demo
from services.roles import Role, Scope
from services.season.demo import load_season_demo
from services.uow import unit_of_work
from services.volunteers.demo import load_volunteer_demo
from storage.base import utcnow
from storage.models.org import Club, Region, Site
from storage.models.people import ChannelIdentity, Child, Person, RoleGrant

DEMO_CHANNEL = Channel.TELEGRAM


@dataclass(frozen=True)
class DemoPersona:
    key: str
    full_name: str
    telegram_id: int
    locale: str
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class _Grant:
    """Where a persona's role applies: a club or site by name, a region by code, or their child."""

    role: Role
    club: str | None = None
    site: str | None = None
    region: str | None = None
    child: str | None = None


MAIN_SITE = "Оқушылар сарайы, бас ғимарат"
ANNEX = "Оқушылар сарайы, «Шұғыла» филиалы"


@dataclass(frozen=True)
class _Names:
    """A place's name in Kazakh (also its name as given, the demo's natural key), ru and en."""

    kk: str
    ru: str
    en: str


# name, address
SITES = (
    (
        _Names(
            MAIN_SITE,
            "Дворец школьников, главное здание",
            "Palace of Schoolchildren, main building",
        ),
        "Балқаш қ., Тәуелсіздік даңғылы, 10 (демо)",
    ),
    (
        _Names(
            ANNEX, "Дворец школьников, филиал «Шұғыла»", "Palace of Schoolchildren, Shugyla branch"
        ),
        "Балқаш қ., Шұғыла шағын ауданы, 3 (демо)",
    ),
)
ROBOTICS = "Робототехника"
# name, mode, site (remote clubs meet online and have none)
CLUBS = (
    (_Names(ROBOTICS, "Робототехника", "Robotics"), "in_person", MAIN_SITE),
    (_Names("Домбыра үйірмесі", "Кружок домбры", "Dombra club"), "in_person", MAIN_SITE),
    (_Names("Шахмат клубы", "Шахматный клуб", "Chess club"), "remote", None),
    (
        _Names("«Палитра» бейнелеу студиясы", "Изостудия «Палитра»", "Palitra art studio"),
        "in_person",
        ANNEX,
    ),
    (
        _Names("«Көктем» би ансамблі", "Танцевальный ансамбль «Көктем»", "Koktem dance ensemble"),
        "in_person",
        ANNEX,
    ),
    (_Names("Жас журналист", "Юный журналист", "Young journalist"), "remote", None),
    (_Names("Ән студиясы", "Вокальная студия", "Singing studio"), "in_person", MAIN_SITE),
    (
        _Names("Қолөнер шеберханасы", "Мастерская рукоделия", "Crafts workshop"),
        "in_person",
        ANNEX,
    ),
)
PERSONAS = (
    ("admin", "Гүлнар Сейітова", 900000001, "kk", (_Grant(Role.ADMIN),)),
    ("teacher", "Ерлан Жұмабаев", 900000002, "kk", (_Grant(Role.TEACHER, club=ROBOTICS),)),
    ("parent", "Ольга Ким", 900000003, "ru", (_Grant(Role.PARENT, child="Артём"),)),
    ("duty", "Сәуле Омарова", 900000004, "kk", (_Grant(Role.DUTY_OFFICER, site=MAIN_SITE),)),
    ("volunteer", "Айгерім Нұрланқызы", 900000005, "kk", (_Grant(Role.VOLUNTEER),)),
    (
        "coordinator",
        "Дмитрий Петров",
        900000006,
        "ru",
        (_Grant(Role.COORDINATOR, region="karaganda"),),
    ),
)


# People the console makes up as newcomers (`:as new`, `:as new-wa`): no two alike, and no
# first name a demo person has, so the prompt (which shows first names) never leaves a doubt.
NEWCOMERS = (
    "Асель Бекова",
    "Тимур Ахметов",
    "Дана Сұлтанова",
    "Арман Қасымов",
    "Мария Ли",
    "Ильяс Төлеев",
    "Жанар Әлиева",
    "Нұрлан Исаев",
    "Алия Мұратова",
    "Сергей Волков",
    "Томирис Жақсылықова",
    "Бауыржан Оспанов",
)


def newcomer_name(index: int) -> str:
    """The `index`-th newcomer's name (from 0); past the list, the names come round numbered."""
    name = NEWCOMERS[index % len(NEWCOMERS)]
    lap = index // len(NEWCOMERS)
    return name if lap == 0 else f"{name}-{lap + 1}"


async def load_demo(session: AsyncSession) -> list[DemoPersona]:
    """Creates whatever part of the demo is missing, commits, and lists the demo people."""
    async with unit_of_work(session):
        return await _load(session)


async def _load(session: AsyncSession) -> list[DemoPersona]:
    sites = {names.kk: await _site(session, names, address) for names, address in SITES}
    clubs = {
        names.kk: await _club(session, names, mode, sites[site].id if site else None)
        for names, mode, site in CLUBS
    }
    admin_id: int | None = None
    personas = []
    for key, full_name, telegram_id, locale, grants in PERSONAS:
        person, created = await _person(session, full_name, telegram_id, locale)
        if created:
            for grant in grants:
                await _grant(session, person, grant, clubs, sites, granted_by=admin_id)
        if key == "admin":
            admin_id = person.id
        roles = tuple(g.role for g in grants)
        personas.append(DemoPersona(key, full_name, telegram_id, locale, roles))
    await load_volunteer_demo(session)
    await load_season_demo(session)
    await load_course_demo(session, utcnow())
    await load_report_demo(session)
    await load_award_demo(session, utcnow())
    return personas


async def _site(session: AsyncSession, names: _Names, address: str) -> Site:
    site = await session.scalar(select(Site).where(Site.name == names.kk))
    if site is None:
        site = Site(name=names.kk, address=address)
        session.add(site)
    _name(site, names)
    await session.flush()
    return site


async def _club(session: AsyncSession, names: _Names, mode: str, site_id: int | None) -> Club:
    club = await session.scalar(select(Club).where(Club.name == names.kk))
    if club is None:
        club = Club(name=names.kk, mode=mode, site_id=site_id)
        session.add(club)
    _name(club, names)
    await session.flush()
    return club


def _name(place: Club | Site, names: _Names) -> None:
    """Fills the names a place lacks (one loaded before names had languages); keeps the rest."""
    place.name_kk = place.name_kk or names.kk
    place.name_ru = place.name_ru or names.ru
    place.name_en = place.name_en or names.en


async def _person(
    session: AsyncSession, full_name: str, telegram_id: int, locale: str
) -> tuple[Person, bool]:
    """The person with this Telegram id; if new, created with their identity and consent."""
    known = await session.scalar(
        select(Person)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(
            ChannelIdentity.channel == DEMO_CHANNEL,
            ChannelIdentity.external_id == str(telegram_id),
        )
    )
    if known is not None:
        return known, False
    person = Person(full_name=full_name, locale=locale)
    person.identities.append(ChannelIdentity(channel=DEMO_CHANNEL, external_id=str(telegram_id)))
    session.add(person)
    await session.flush()
    await record_consent(session, person.id, consent_for(locale))
    return person, True


async def _grant(
    session: AsyncSession,
    person: Person,
    grant: _Grant,
    clubs: dict[str, Club],
    sites: dict[str, Site],
    *,
    granted_by: int | None,
) -> None:
    child_id = None
    if grant.child is not None:
        child = Child(parent_id=person.id, first_name=grant.child)
        session.add(child)
        await session.flush()
        child_id = child.id
        # The parent's consent covers the children they act for.
        children = replace(consent_for(person.locale), purpose=Purpose.CHILDREN)
        await record_consent(session, person.id, children)
    region_id = None
    if grant.region is not None:
        region_id = await session.scalar(select(Region.id).where(Region.code == grant.region))
    club_id = clubs[grant.club].id if grant.club else None
    site_id = sites[grant.site].id if grant.site else None
    scope = Scope.of(region_id, club_id, site_id, child_id)
    session.add(
        RoleGrant(
            person_id=person.id,
            role=grant.role,
            club_id=club_id,
            site_id=site_id,
            region_id=region_id,
            child_id=child_id,
            scope_key=scope.key,
            granted_by_id=granted_by,
        )
    )
