"""Bulk import of the movement's directory (pure rules): reading an XLSX or CSV file into rows,
and checking every row against what the file and the database already hold.

The file: an XLSX workbook with the sheets `institutions`, `squads`, `schools` and
`attachments` (any of them may be left out), or a CSV file holding one of them, recognised by
its header row. Row 1 is the header; a row is reported by its number in the file and by its
column's header. Names are matched without regard to case.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.text import clean_text

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000

SHEETS: dict[str, tuple[str, ...]] = {
    "institutions": ("region", "name", "kind"),
    "squads": ("region", "institution", "name"),
    "schools": ("region", "district", "name"),
    "attachments": ("region", "institution", "squad", "district", "school", "starts_on", "ends_on"),
}
OPTIONAL = frozenset({"region", "starts_on", "ends_on"})
LIMITS = {"district": 120, "kind": 32, "region": 120, "starts_on": 10, "ends_on": 10}
NAME_LIMIT = 200
KINDS = {
    "university": "university",
    "университет": "university",
    "университеті": "university",
    "college": "college",
    "колледж": "college",
    "колледжі": "college",
}
EXAMPLES: dict[str, tuple[str, ...]] = {
    "institutions": ("Karaganda", "Karaganda Buketov University", "university"),
    "squads": ("Karaganda", "Karaganda Buketov University", "Zhuldyz"),
    "schools": ("Karaganda", "Bukhar-Zhyrau district", "School No. 12"),
    "attachments": (
        "Karaganda",
        "Karaganda Buketov University",
        "Zhuldyz",
        "Bukhar-Zhyrau district",
        "School No. 12",
        "01.06.2027",
        "",
    ),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: `row` 0 and `column` "" for the whole file."""

    sheet: str
    row: int
    column: str
    reason: str


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Table:
    sheet: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_file(filename: str, content: bytes) -> list[Table]:
    """The file's sheets and their non-empty rows; ImportRejected when it cannot be read."""
    if len(content) > MAX_BYTES:
        raise ImportRejected([Problem("", 0, "", "too_big")])
    if content.startswith(b"PK") or filename.lower().endswith(".xlsx"):
        tables = _read_xlsx(content)
    else:
        tables = [_read_csv(content)]
    if not tables:
        raise ImportRejected([Problem("", 0, "", "no_sheets")])
    if sum(len(t.rows) for t in tables) > MAX_ROWS:
        raise ImportRejected([Problem("", 0, "", "too_many_rows")])
    return tables


def _read_xlsx(content: bytes) -> list[Table]:
    """A file someone sent: whatever openpyxl cannot make sense of is "unreadable"."""
    problems: list[Problem] = []
    try:
        tables = _xlsx_tables(content, problems)
    except ImportRejected:
        raise
    except Exception as e:  # a zip that is no workbook, a broken sheet, bad XML
        raise ImportRejected([Problem("", 0, "", "unreadable")]) from e
    if problems:
        raise ImportRejected(problems)
    return tables


def _xlsx_tables(content: bytes, problems: list[Problem]) -> list[Table]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    tables: list[Table] = []
    try:
        for sheet in book.worksheets:
            name = str(sheet.title).strip().casefold()
            if name not in SHEETS:
                continue
            rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            tables.append(_table(name, rows, problems))
    finally:
        book.close()
    return tables


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1251", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [clean_text(c, 64).casefold() for c in next(lines)]
    except (StopIteration, csv.Error) as e:
        raise ImportRejected([Problem("", 0, "", "no_sheets")]) from e
    sheet = next((s for s, cols in SHEETS.items() if set(header) == set(cols)), None)
    if sheet is None:
        sheet = next((s for s, cols in SHEETS.items() if set(cols) - OPTIONAL <= set(header)), "")
    if not sheet:
        raise ImportRejected([Problem("", 1, "", "bad_header")])
    problems: list[Problem] = []
    try:
        table = _table(sheet, _with_header(header, lines), problems)
    except csv.Error as e:
        raise ImportRejected([Problem(sheet, 0, "", "unreadable")]) from e
    if problems:
        raise ImportRejected(problems)
    return table


def _with_header(header: list[str], rest: Iterable[list[str]]) -> Iterator[list[str]]:
    yield header
    yield from rest


def _table(sheet: str, rows: Iterator[list[str]], problems: list[Problem]) -> Table:
    table = Table(sheet)
    header = [clean_text(h, 64).casefold() for h in next(rows, [])]
    missing = [c for c in SHEETS[sheet] if c not in header and c not in OPTIONAL]
    problems.extend(Problem(sheet, 1, column, "missing_column") for column in missing)
    if missing:
        return table
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        cells = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}
        table.rows.append((number, cells))
        if len(table.rows) > MAX_ROWS:
            raise ImportRejected([Problem("", 0, "", "too_many_rows")])
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- checking the rows


@dataclass(frozen=True)
class Known:
    """What the database holds, as the rows refer to it (names casefolded)."""

    regions: Mapping[str, int]  # code and every name, casefolded -> region id
    allowed: frozenset[int] | None  # the regions this person may import into; None: any
    institutions: frozenset[tuple[int, str]] = frozenset()
    squads: frozenset[tuple[int, str, str]] = frozenset()  # region, institution, squad
    schools: frozenset[tuple[int, str, str]] = frozenset()  # region, district, school

    @property
    def default_region(self) -> int | None:
        """A coordinator of one region may leave the region column empty."""
        if self.allowed is not None and len(self.allowed) == 1:
            return next(iter(self.allowed))
        return None


@dataclass
class Plan:
    institutions: list[tuple[int, str, str]] = field(default_factory=list)
    squads: list[tuple[int, str, str]] = field(default_factory=list)
    schools: list[tuple[int, str, str]] = field(default_factory=list)
    # region, institution, squad, district, school, starts_on, ends_on
    attachments: list[tuple[int, str, str, str, str, date, date | None]] = field(
        default_factory=list
    )


def check(tables: list[Table], known: Known, today: date) -> Plan:
    """Every row checked; the rows to store, or ImportRejected with every problem found."""
    checker = _Checker(known, today)
    by_sheet = {t.sheet: t for t in tables}
    for sheet in SHEETS:  # institutions before the squads that refer to them, and so on
        if sheet in by_sheet:
            for number, cells in by_sheet[sheet].rows:
                checker.row(sheet, number, cells)
    if checker.problems:
        raise ImportRejected(checker.problems)
    return checker.plan


class _Checker:
    def __init__(self, known: Known, today: date) -> None:
        self.known, self.today = known, today
        self.plan = Plan()
        self.problems: list[Problem] = []
        self.institutions = set(known.institutions)
        self.squads = set(known.squads)
        self.schools = set(known.schools)
        self.seen: dict[str, set[tuple[object, ...]]] = {sheet: set() for sheet in SHEETS}

    def row(self, sheet: str, number: int, cells: Mapping[str, str]) -> None:
        before = len(self.problems)
        values: dict[str, str] = {}
        for column in SHEETS[sheet]:
            value = self._text(sheet, number, column, cells.get(column, ""))
            if value is not None:
                values[column] = value
        region = self._region(sheet, number, values.get("region", ""))
        if len(self.problems) > before or region is None:
            return
        getattr(self, f"_{sheet}")(number, region, values)

    def fail(self, sheet: str, number: int, column: str, reason: str) -> None:
        self.problems.append(Problem(sheet, number, column, reason))

    def _text(self, sheet: str, number: int, column: str, raw: str) -> str | None:
        limit = LIMITS.get(column, NAME_LIMIT)
        value = clean_text(raw, limit + 1)
        if len(value) > limit:
            self.fail(sheet, number, column, "too_long")
            return None
        if not value and column not in OPTIONAL:
            self.fail(sheet, number, column, "empty")
            return None
        return value

    def _region(self, sheet: str, number: int, typed: str) -> int | None:
        known = self.known
        if not typed:
            if known.default_region is None:
                self.fail(sheet, number, "region", "empty")
            return known.default_region
        region = known.regions.get(typed.casefold())
        if region is None:
            self.fail(sheet, number, "region", "unknown_region")
        elif known.allowed is not None and region not in known.allowed:
            self.fail(sheet, number, "region", "other_region")
            return None
        return region

    def _first(self, sheet: str, number: int, column: str, key: tuple[object, ...]) -> bool:
        if key in self.seen[sheet]:
            self.fail(sheet, number, column, "duplicate")
            return False
        self.seen[sheet].add(key)
        return True

    def _institutions(self, number: int, region: int, v: dict[str, str]) -> None:
        kind = KINDS.get(v["kind"].casefold())
        if kind is None:
            self.fail("institutions", number, "kind", "bad_kind")
            return
        key = (region, v["name"].casefold())
        if self._first("institutions", number, "name", key):
            self.institutions.add(key)
            self.plan.institutions.append((region, v["name"], kind))

    def _squads(self, number: int, region: int, v: dict[str, str]) -> None:
        if (region, v["institution"].casefold()) not in self.institutions:
            self.fail("squads", number, "institution", "unknown_institution")
            return
        key = (region, v["institution"].casefold(), v["name"].casefold())
        if self._first("squads", number, "name", key):
            self.squads.add(key)
            self.plan.squads.append((region, v["institution"], v["name"]))

    def _schools(self, number: int, region: int, v: dict[str, str]) -> None:
        key = (region, v["district"].casefold(), v["name"].casefold())
        if self._first("schools", number, "name", key):
            self.schools.add(key)
            self.plan.schools.append((region, v["district"], v["name"]))

    def _attachments(self, number: int, region: int, v: dict[str, str]) -> None:
        sheet = "attachments"
        squad = (region, v["institution"].casefold(), v["squad"].casefold())
        school = (region, v["district"].casefold(), v["school"].casefold())
        starts = self._date(number, "starts_on", v["starts_on"]) if v["starts_on"] else self.today
        ends = self._date(number, "ends_on", v["ends_on"]) if v["ends_on"] else None
        if squad not in self.squads:
            self.fail(sheet, number, "squad", "unknown_squad")
        if school not in self.schools:
            self.fail(sheet, number, "school", "unknown_school")
        if starts is None or (v["ends_on"] and ends is None):
            return
        if ends is not None and ends < starts:
            self.fail(sheet, number, "ends_on", "ends_before_start")
            return
        known = squad in self.squads and school in self.schools
        if known and self._first(sheet, number, "starts_on", (*squad, *school, starts)):
            self.plan.attachments.append(
                (region, v["institution"], v["squad"], v["district"], v["school"], starts, ends)
            )

    def _date(self, number: int, column: str, typed: str) -> date | None:
        try:
            return datetime.strptime(typed, "%d.%m.%Y").date()
        except ValueError:
            self.fail("attachments", number, column, "bad_date")
            return None


def template_xlsx() -> bytes:
    """The template: a sheet per kind, its header and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet, columns in SHEETS.items():
        page = book.create_sheet(sheet)
        page.append(list(columns))
        page.append(list(EXAMPLES[sheet]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
