"""The report as an XLSX workbook (openpyxl): a sheet per level and one of the schools without
a squad; headers in the reader's language (given as plain strings), numbers as numbers, the
rate as a percentage, the header row frozen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.movement_reports.queries import Report, Row

PERCENT = "0.0%"
SHEET_NAME_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Labels:
    """Every word of the workbook, in the reader's language."""

    regions_sheet: str
    squads_sheet: str
    uncovered_sheet: str
    region: str
    squad: str
    district: str
    school: str
    registered: str
    approved: str
    rate: str
    certificates: str
    schools: str
    covered: str
    uncovered: str
    total: str


def workbook(report: Report, labels: Labels) -> bytes:
    book = Workbook()
    regions = book.active
    assert regions is not None
    regions.title = labels.regions_sheet[:SHEET_NAME_MAX]
    _figures(regions, labels.region, report.regions, report.total, labels, schools=True)
    if report.region_id is not None:
        squads = book.create_sheet(labels.squads_sheet[:SHEET_NAME_MAX])
        _figures(squads, labels.squad, report.squads, None, labels, schools=False)
    sheet = book.create_sheet(labels.uncovered_sheet[:SHEET_NAME_MAX])
    _header(sheet, [labels.region, labels.district, labels.school])
    for school in report.uncovered:
        sheet.append([school.region, school.district, school.name])
    _widths(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _figures(
    sheet: Worksheet,
    first: str,
    rows: Sequence[Row],
    total: Row | None,
    labels: Labels,
    *,
    schools: bool,
) -> None:
    head = [first, labels.registered, labels.approved, labels.rate, labels.certificates]
    head += [labels.schools, labels.covered, labels.uncovered] if schools else [labels.covered]
    _header(sheet, head)
    for row in rows:
        sheet.append(_cells(row.name, row, schools))
    if total is not None:
        sheet.append(_cells(labels.total, total, schools))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = PERCENT
    _widths(sheet)


def _cells(name: str, row: Row, schools: bool) -> list[object]:
    cells: list[object] = [name, row.registered, row.approved, row.rate, row.certificates]
    return cells + ([row.schools, row.covered, row.uncovered] if schools else [row.covered])


def _header(sheet: Worksheet, head: list[str]) -> None:
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _widths(sheet: Worksheet) -> None:
    for column in sheet.iter_cols():
        longest = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(60, longest + 3)
