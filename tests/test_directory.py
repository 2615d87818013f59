"""The directory's bulk import: the file's rules checked directly, and /import end to end (the
template, a good file stored, a broken one reported by row and column with nothing stored)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date

import pytest
from aiogram import Bot
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.app import App
from services.roles import Role
from services.volunteers.import_rules import (
    MAX_ROWS,
    SHEETS,
    ImportRejected,
    Known,
    Problem,
    check,
    read_file,
    template_xlsx,
)
from storage.models.org import Region
from storage.models.people import RoleGrant
from storage.models.volunteers import Centre, Institution, School, Squad, SquadSchool
from tests.builders import registered
from tests.conftest import ChatUser, Db, MakeUser
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn
from tests.whatsapp_driver import ALERT_PREFIXES, WhatsAppUser

TODAY = date(2027, 5, 20)
ABAI, AKMOLA = 1, 2
REGIONS = {"abai": ABAI, "abai region": ABAI, "akmola": AKMOLA}


def xlsx(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        page = book.create_sheet(name)
        page.append(list(SHEETS[name]))
        for row in rows:
            page.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD: dict[str, list[list[object]]] = {
    "institutions": [["abai", "Semey University", "university"], ["", "Semey College", "college"]],
    "squads": [["abai", "Semey University", "Zhuldyz"], ["", "Semey College", "Arman"]],
    "schools": [["abai", "Zhanasemey district", "School No. 5"]],
    "attachments": [
        ["", "Semey University", "Zhuldyz", "Zhanasemey district", "School No. 5", "", ""],
        [
            "Abai Region",
            "semey college",
            "ARMAN",
            "Zhanasemey district",
            "school no. 5",
            date(2027, 6, 1),
            "31.08.2027",
        ],
    ],
}


# Row 3 of the schools sheet has no district.
BROKEN: dict[str, list[list[object]]] = {
    **GOOD,
    "schools": [["abai", "Zhanasemey district", "School No. 5"], ["abai", "", "School 7"]],
}


def coordinator_of(*regions: int) -> Known:
    return Known(regions=REGIONS, allowed=frozenset(regions))


def problems_of(content: bytes, known: Known, name: str = "directory.xlsx") -> list[Problem]:
    with pytest.raises(ImportRejected) as rejected:
        check(read_file(name, content), known, TODAY)
    return rejected.value.problems


def test_a_good_workbook_becomes_a_plan_in_the_coordinators_region() -> None:
    plan = check(read_file("directory.xlsx", xlsx(GOOD)), coordinator_of(ABAI), TODAY)
    assert plan.institutions == [
        (ABAI, "Semey University", "university"),
        (ABAI, "Semey College", "college"),
    ]
    assert [s[2] for s in plan.squads] == ["Zhuldyz", "Arman"]
    assert plan.schools == [(ABAI, "Zhanasemey district", "School No. 5")]
    starts = [(a[5], a[6]) for a in plan.attachments]
    assert starts == [(TODAY, None), (date(2027, 6, 1), date(2027, 8, 31))]


def test_a_broken_row_is_reported_by_its_row_and_column() -> None:
    problems = problems_of(xlsx(BROKEN), coordinator_of(ABAI))
    assert problems == [Problem("schools", 3, "district", "empty")]


def test_every_kind_of_mistake_is_found_in_one_pass() -> None:
    bad = {
        "institutions": [["abai", "X College", "school"], ["abai", "Y" * 201, "college"]],
        "squads": [["abai", "Nowhere College", "Zhuldyz"]],
        "schools": [["abai", "D", "S"], ["ABAI", "d", "s"]],
        "attachments": [["abai", "X College", "Q", "D", "S", "32.13.2027", ""]],
    }
    problems = problems_of(xlsx(bad), coordinator_of(ABAI))
    assert problems == [
        Problem("institutions", 2, "kind", "bad_kind"),
        Problem("institutions", 3, "name", "too_long"),
        Problem("squads", 2, "institution", "unknown_institution"),
        Problem("schools", 3, "name", "duplicate"),
        Problem("attachments", 2, "starts_on", "bad_date"),
        Problem("attachments", 2, "squad", "unknown_squad"),
    ]


def test_a_coordinator_cannot_import_into_another_region() -> None:
    other = {"schools": [["akmola", "Kokshetau", "School No. 1"]]}
    assert problems_of(xlsx(other), coordinator_of(ABAI)) == [
        Problem("schools", 2, "region", "other_region")
    ]
    everywhere = Known(regions=REGIONS, allowed=None)  # an administrator
    assert check(read_file("d.xlsx", xlsx(other)), everywhere, TODAY).schools == [
        (AKMOLA, "Kokshetau", "School No. 1")
    ]
    # An administrator names the region: no region of their own to fall back on.
    unnamed = {"schools": [["", "Kokshetau", "School No. 1"], ["Mars", "K", "S"]]}
    assert problems_of(xlsx(unnamed), everywhere) == [
        Problem("schools", 2, "region", "empty"),
        Problem("schools", 3, "region", "unknown_region"),
    ]


def test_rows_may_refer_to_what_the_database_holds() -> None:
    known = Known(
        regions=REGIONS,
        allowed=frozenset({ABAI}),
        institutions=frozenset({(ABAI, "semey university")}),
        squads=frozenset({(ABAI, "semey university", "zhuldyz")}),
        schools=frozenset({(ABAI, "d", "s")}),
    )
    rows = {"attachments": [["", "Semey University", "Zhuldyz", "D", "S", "01.06.2027", ""]]}
    assert len(check(read_file("d.xlsx", xlsx(rows)), known, TODAY).attachments) == 1


def test_one_sheet_as_csv_is_recognised_by_its_header() -> None:
    content = b"region;district;name\nabai;Zhanasemey district;School No. 5\n"
    tables = read_file("schools.csv", content)
    assert [t.sheet for t in tables] == ["schools"]
    assert check(tables, coordinator_of(ABAI), TODAY).schools == [
        (ABAI, "Zhanasemey district", "School No. 5")
    ]
    with pytest.raises(ImportRejected) as rejected:
        read_file("other.csv", b"colour,size\nred,1\n")
    assert rejected.value.problems == [Problem("", 1, "", "bad_header")]


def test_too_big_too_long_and_unreadable_files_are_refused() -> None:
    def reason(content: bytes, name: str = "d.xlsx") -> str:
        with pytest.raises(ImportRejected) as rejected:
            read_file(name, content)
        return rejected.value.problems[0].reason

    assert reason(b"x" * 1_000_001) == "too_big"
    rows = "".join(f"abai,D,School {n}\n" for n in range(MAX_ROWS + 1))
    assert reason(("region,district,name\n" + rows).encode(), "s.csv") == "too_many_rows"
    assert reason(b"PK\x03\x04 not a workbook") == "unreadable"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:  # a zip, but no workbook inside
        zipped.writestr("hello.txt", "hello")
    assert reason(archive.getvalue()) == "unreadable"


def test_the_template_has_every_sheet_with_its_header_and_an_example() -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames == list(SHEETS)
    for name, columns in SHEETS.items():
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == columns and len(rows) == 2
    # Filled in as it comes, the template is a valid file.
    everywhere = Known(regions={"karaganda": 9}, allowed=None)
    assert check(read_file("t.xlsx", template_xlsx()), everywhere, TODAY).attachments


# ---------------------------------------------------------------- end to end


async def counts(db: Db) -> tuple[int, ...]:
    return tuple([await db.count(m) for m in (Institution, Squad, School, SquadSchool)])


async def region_id(db: Db, code: str) -> int:
    return int(await db.scalar(select(Region.id).where(Region.code == code)))


async def test_a_coordinator_imports_a_file_and_a_broken_one_stores_nothing(
    app: App, make_user: MakeUser, db: Db
) -> None:
    coordinator = make_user("Сәуле", "en")
    await registered(app, coordinator, Role.COORDINATOR)  # region 1
    abai = await region_id(db, "abai")
    assert abai == 1
    await coordinator.send("/import")
    name, content, caption = await coordinator.document()
    assert name == "qamqor-directory-template.xlsx"
    assert load_workbook(io.BytesIO(content)).sheetnames == list(SHEETS)
    assert "institutions: Institutions; squads: Squads;" in caption
    if not isinstance(coordinator, TelegramUser):
        assert coordinator.last_text.startswith("I cannot receive files on WhatsApp yet")
        return
    assert coordinator.last_text.startswith("Send the filled-in file")

    await coordinator.send_document("directory.xlsx", xlsx(BROKEN))
    assert coordinator.last_text.startswith(
        "Nothing was stored: fix these rows and send the file again.\n"
        "Sheet «schools», row 3, column «district»: empty\n"
    )
    assert await counts(db) == (0, 0, 0, 0)

    await coordinator.send("hello")  # not a file: asked for it again
    assert coordinator.last_text.startswith("Send the filled-in file")

    await coordinator.send_document("directory.xlsx", xlsx(GOOD))
    assert coordinator.last_text == (
        "The file is imported.\n"
        "Institutions: 2 added, 0 updated\n"
        "Squads: 2 added, 0 updated\n"
        "Schools: 1 added, 0 updated\n"
        "Squads attached to schools: 2 added, 0 updated"
    )
    assert await counts(db) == (2, 2, 1, 2)
    codes = await db.all(select(Squad.join_code))
    assert all(code and len(code) == 8 for code in codes)
    regions = await db.all(select(Institution.region_id))
    assert regions == [abai, abai]

    # The same file again adds nothing; a changed end date updates its row.
    await coordinator.send("/import")
    again = {**GOOD, "attachments": [[*GOOD["attachments"][0][:5], "", "01.09.2027"]]}
    await coordinator.send_document("directory.xlsx", xlsx(again))
    assert "Squads attached to schools: 0 added, 1 updated" in coordinator.last_text
    assert await counts(db) == (2, 2, 1, 2)


async def test_another_regions_rows_are_refused_and_volunteers_cannot_import(
    app: App, db: Db, bot: Bot, standin: TelegramStandIn
) -> None:
    """Files come in on Telegram only (WhatsApp's answer: the first test)."""
    coordinator = TelegramUser(app.dispatcher, bot, standin, 7101, "Сәуле", "en")
    await registered(app, coordinator, Role.COORDINATOR)  # region 1: Abai
    await coordinator.send("/import")
    await coordinator.send_document(
        "schools.csv", b"region,district,name\nakmola,Kokshetau,School No. 1\n"
    )
    assert (
        "Sheet «schools», row 2, column «region»: another region: you may import only into "
        "your own" in coordinator.last_text
    )
    assert await db.count(School) == 0

    volunteer = TelegramUser(app.dispatcher, bot, standin, 7103, "Дана", "en")
    await registered(app, volunteer, Role.VOLUNTEER)
    await volunteer.send("/import")
    assert "only for" in volunteer.last_text
    assert volunteer.requests("sendDocument") == []


async def test_an_administrator_imports_into_any_region(
    app: App, db: Db, bot: Bot, standin: TelegramStandIn
) -> None:
    admin = TelegramUser(app.dispatcher, bot, standin, 7102, "Әлия", "en")
    person = await registered(app, admin, Role.ADMIN)
    assert await db.all(select(RoleGrant.role).where(RoleGrant.person_id == person)) == ["admin"]
    await admin.send("/import")
    await admin.send_document(
        "schools.csv", "region,district,name\nAkmola Region,Kokshetau,№ 1 мектеп\n".encode()
    )
    assert "Schools: 1 added" in admin.last_text
    assert await db.all(select(School.region_id)) == [await region_id(db, "akmola")]


# ---------------------------------------------------------------- /directory: the centre's links


def answers(user: ChatUser) -> list[str]:
    """Answers to buttons: Telegram's callback answers, WhatsApp's messages saying them."""
    if isinstance(user, WhatsAppUser):
        return [b for b in user.bodies() if b.startswith(ALERT_PREFIXES)]
    return user.alerts()


async def centre_of(db: Db, region: int) -> Centre | None:
    found: Centre | None = await db.scalar(select(Centre).where(Centre.region_id == region))
    return found


async def test_a_coordinator_sets_their_centres_links_and_not_another_regions(
    app: App, db: Db, make_user: MakeUser
) -> None:
    coordinator = make_user("Сәуле", "en")
    await registered(app, coordinator, Role.COORDINATOR)  # region 1: Abai
    await coordinator.send("/directory")
    assert coordinator.last_text.startswith("The centre of Abai Region: its links.")
    assert coordinator.buttons() == ["Work plan", "VK", "Instagram", "Facebook", "YouTube"]
    await coordinator.press("Instagram")
    assert coordinator.last_text.startswith("Send the Instagram link")
    await coordinator.send("instagram dot com")  # not a link: asked again, nothing stored
    assert coordinator.last_text.startswith("That is not a web link.")
    centre = await centre_of(db, 1)
    assert centre is None or centre.instagram_url is None
    await coordinator.send("https://instagram.com/koshbasshy_abai")
    assert "Instagram: https://instagram.com/koshbasshy_abai" in coordinator.last_text
    centre = await centre_of(db, 1)
    assert centre is not None and centre.instagram_url == "https://instagram.com/koshbasshy_abai"

    await coordinator.send("hello")  # the links' step asked again, with its options
    assert coordinator.buttons() == ["Work plan", "VK", "Instagram", "Facebook", "YouTube"]
    await coordinator.press("Instagram")
    await coordinator.send("-")  # removed
    centre = await centre_of(db, 1)
    assert centre is not None and centre.instagram_url is None

    # Another region's button (forged) is out of date and changes nothing.
    await coordinator.press_data("dir_link:2:0")
    assert "This button is out of date." in answers(coordinator)[-1]
    other = await centre_of(db, 2)
    assert other is None or other.work_plan_url is None

    volunteer = make_user("Дана", "en")
    await registered(app, volunteer, Role.VOLUNTEER)
    await volunteer.send("/directory")
    assert "only for" in volunteer.last_text


async def test_an_administrator_picks_a_region_then_sets_its_work_plan(
    app: App, db: Db, make_user: MakeUser
) -> None:
    admin = make_user("Әлия", "en")
    await registered(app, admin, Role.ADMIN)
    await admin.send("/directory")
    assert admin.last_text.endswith("Which region's centre?")
    assert len(admin.buttons()) == 10 and admin.buttons()[-1].startswith("More")
    await admin.press("Akmola")
    await admin.press("Work plan")
    await admin.send("https://example.kz/akmola-plan.pdf")
    centre = await centre_of(db, await region_id(db, "akmola"))
    assert centre is not None and centre.work_plan_url == "https://example.kz/akmola-plan.pdf"
    assert admin.last_text.startswith("The centre of Akmola Region: its links.")
