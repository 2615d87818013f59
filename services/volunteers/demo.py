"""The volunteer movement's demo: centres of four regions with their work plans and social
pages, institutions, squads with leaders and codes, district schools; two applications waiting
for the Karaganda coordinator and the demo volunteer's approved profile.

Loading twice changes nothing: each row is looked up by its natural key first. Runs in
load_demo's transaction, after the demo people exist.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels import Channel
from services.consent import consent_for, record_consent
from services.roles import Role, Scope
from services.volunteers.rules import Status
from storage.base import utcnow
from storage.changes import people_changed
from storage.models.org import Region
from storage.models.people import ChannelIdentity, Person, RoleGrant
from storage.models.volunteers import Centre, Institution, School, Squad, SquadSchool, Volunteer

SEASON_START = date(2026, 6, 1)

# region code: (centre's site slug, [(institution, kind, [(squad, code)])], district, [schools])
REGIONS: dict[str, tuple[str, list[tuple[str, str, list[tuple[str, str]]]], str, list[str]]] = {
    "karaganda": (
        "karaganda",
        [
            ("Қарағанды университеті", "university", [("«Жас ұлан» отряды", "KRG101")]),
            ("Қарағанды гуманитарлық колледжі", "college", [("«Шұғыла» отряды", "KRG202")]),
            ("Қарағанды педагогикалық колледжі", "college", [("«Самұрық» отряды", "KRG303")]),
        ],
        "Балқаш қаласы",
        ["№1 жалпы білім беретін мектеп", "№5 мектеп-гимназия", "№12 жалпы білім беретін мектеп"],
    ),
    "astana": (
        "astana",
        [
            (
                "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
                "university",
                [("«Ұшқын» отряды", "AST101")],
            ),
            ("Астана педагогикалық колледжі", "college", [("«Көктем» отряды", "AST202")]),
        ],
        "Сарыарқа ауданы",
        ["№3 мектеп-лицей", "№28 жалпы білім беретін мектеп", "№54 мектеп-гимназия"],
    ),
    "almaty_city": (
        "almaty",
        [
            (
                "Абай атындағы Қазақ ұлттық педагогикалық университеті",
                "university",
                [("«Арман» отряды", "ALA101")],
            ),
            (
                "Алматы мемлекеттік гуманитарлық-педагогикалық колледжі",
                "college",
                [("«Достық» отряды", "ALA202")],
            ),
        ],
        "Әуезов ауданы",
        ["№15 гимназия", "№101 жалпы білім беретін мектеп", "№140 мектеп-лицей", "№175 мектеп"],
    ),
    "pavlodar": (
        "pavlodar",
        [
            ("Торайғыров университеті", "university", [("«Болашақ» отряды", "PVL101")]),
            ("Павлодар педагогикалық колледжі", "college", [("«Сұңқар» отряды", "PVL202")]),
        ],
        "Екібастұз қаласы",
        ["№2 жалпы білім беретін мектеп", "№9 мектеп-гимназия", "№22 мектеп"],
    ),
}

# telegram id, name, locale, birth date, institution, squad: waiting for the coordinator
APPLICANTS = (
    (
        900000101,
        "Дана Сұлтанқызы",
        "kk",
        date(2005, 4, 12),
        "Қарағанды университеті",
        "«Жас ұлан» отряды",
    ),
    (900000102, "Максим Ким", "ru", date(2006, 9, 3), "Қарағанды гуманитарлық колледжі", None),
)
DEMO_VOLUNTEER = 900000005  # the "volunteer" persona
LEADER = 900000006  # the coordinator persona also leads a squad


async def load_volunteer_demo(session: AsyncSession) -> None:
    squads: dict[str, Squad] = {}
    institutions: dict[str, Institution] = {}
    leader = await _person_of(session, LEADER)
    for code, (slug, insts, district, schools) in REGIONS.items():
        region_id = await session.scalar(select(Region.id).where(Region.code == code))
        if region_id is None:
            continue
        await _centre(session, region_id, slug)
        region_squads = []
        for name, kind, squad_list in insts:
            institution = await _institution(session, region_id, name, kind)
            institutions[name] = institution
            for squad_name, join_code in squad_list:
                squad = await _squad(session, institution.id, squad_name, join_code, leader)
                squads[squad_name] = squad
                region_squads.append(squad)
        for index, school_name in enumerate(schools):
            school = await _school(session, region_id, district, school_name)
            await _attach(session, region_squads[index % len(region_squads)], school)
    karaganda = await session.scalar(select(Region.id).where(Region.code == "karaganda"))
    if karaganda is None:
        return
    for telegram_id, name, locale, born, institution_name, joined in APPLICANTS:
        person = await _applicant(session, telegram_id, name, locale)
        await _volunteer(
            session,
            person,
            born,
            karaganda,
            institutions[institution_name],
            squads[joined] if joined else None,
            Status.PENDING,
            f"+7701{telegram_id % 10_000_000:07d}",
        )
    volunteer = await _person_of(session, DEMO_VOLUNTEER)
    if volunteer is not None:
        await _volunteer(
            session,
            volunteer,
            date(2004, 2, 17),
            karaganda,
            institutions["Қарағанды университеті"],
            squads["«Жас ұлан» отряды"],
            Status.APPROVED,
            "+77012345005",
        )


async def _person_of(session: AsyncSession, telegram_id: int) -> Person | None:
    return await session.scalar(
        select(Person)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(
            ChannelIdentity.channel == Channel.TELEGRAM,
            ChannelIdentity.external_id == str(telegram_id),
        )
    )


async def _centre(session: AsyncSession, region_id: int, slug: str) -> None:
    centre = await session.scalar(select(Centre).where(Centre.region_id == region_id))
    if centre is None:
        centre = Centre(region_id=region_id)
        session.add(centre)
    if centre.work_plan_url is None:
        centre.work_plan_url = f"https://example.kz/koshbasshy/{slug}/jumys-zhospary-2026.pdf"
        centre.vk_url = f"https://vk.com/koshbasshy_{slug}"
        centre.instagram_url = f"https://instagram.com/koshbasshy_{slug}"
        centre.facebook_url = f"https://facebook.com/koshbasshy.{slug}"
        centre.youtube_url = f"https://youtube.com/@koshbasshy_{slug}"


async def _institution(session: AsyncSession, region_id: int, name: str, kind: str) -> Institution:
    found = await session.scalar(
        select(Institution).where(Institution.region_id == region_id, Institution.name == name)
    )
    if found is None:
        found = Institution(region_id=region_id, name=name, kind=kind, confirmed=True)
        session.add(found)
        await session.flush()
    return found


async def _squad(
    session: AsyncSession, institution_id: int, name: str, code: str, leader: Person | None
) -> Squad:
    found = await session.scalar(select(Squad).where(Squad.join_code == code))
    if found is None:
        found = Squad(
            institution_id=institution_id,
            name=name,
            join_code=code,
            leader_id=leader.id if leader else None,
        )
        session.add(found)
        await session.flush()
    return found


async def _school(session: AsyncSession, region_id: int, district: str, name: str) -> School:
    found = await session.scalar(
        select(School).where(
            School.region_id == region_id, School.district == district, School.name == name
        )
    )
    if found is None:
        found = School(region_id=region_id, district=district, name=name)
        session.add(found)
        await session.flush()
    return found


async def _attach(session: AsyncSession, squad: Squad, school: School) -> None:
    found = await session.scalar(
        select(SquadSchool.id).where(
            SquadSchool.squad_id == squad.id,
            SquadSchool.school_id == school.id,
            SquadSchool.starts_on == SEASON_START,
        )
    )
    if found is None:
        session.add(SquadSchool(squad_id=squad.id, school_id=school.id, starts_on=SEASON_START))


async def _applicant(session: AsyncSession, telegram_id: int, name: str, locale: str) -> Person:
    person = await _person_of(session, telegram_id)
    if person is not None:
        return person
    person = Person(full_name=name, locale=locale)
    person.identities.append(
        ChannelIdentity(channel=Channel.TELEGRAM, external_id=str(telegram_id))
    )
    session.add(person)
    await session.flush()
    await record_consent(session, person.id, consent_for(locale))
    session.add(RoleGrant(person_id=person.id, role=Role.VOLUNTEER, scope_key=Scope().key))
    return person


async def _volunteer(
    session: AsyncSession,
    person: Person,
    born: date,
    region_id: int,
    institution: Institution,
    squad: Squad | None,
    status: Status,
    phone: str,
) -> None:
    if await session.scalar(select(Volunteer.id).where(Volunteer.person_id == person.id)):
        return
    person.phone = person.phone or phone
    people_changed(session, persons=[person.id])
    now = utcnow()
    session.add(
        Volunteer(
            person_id=person.id,
            birth_date=born,
            region_id=region_id,
            institution_id=institution.id,
            squad_id=squad.id if squad else None,
            status=status,
            submitted_at=now,
            decided_at=now if status is Status.APPROVED else None,
        )
    )
