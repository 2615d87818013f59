"""What /import says: the problems found in a file, the summary of what was stored."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.volunteers.import_rules import MAX_ROWS, SHEETS, Problem
from services.volunteers.imports import Summary

SHOWN = 20
KIND_CODES = "university, college"


def reason_text(reason: str) -> str:
    texts = {
        "empty": _("empty"),
        "too_long": _("too long"),
        "bad_kind": _("must be one of: {kinds}").format(kinds=KIND_CODES),
        "bad_date": _("not a date like 01.06.2027"),
        "ends_before_start": _("ends before it starts"),
        "unknown_region": _("no such region"),
        "other_region": _("another region: you may import only into your own"),
        "unknown_institution": _("no such institution in this file or in the region"),
        "unknown_squad": _("no such squad in this file or in the region"),
        "unknown_school": _("no such school in this file or in the region"),
        "duplicate": _("the same as an earlier row"),
        "missing_column": _("this column is missing"),
    }
    return texts.get(reason, _("not accepted"))


def file_problem_text(reason: str) -> str | None:
    texts = {
        "too_big": _("The file is larger than 1 MB."),
        "too_many_rows": _("The file has more than {n} rows.").format(n=MAX_ROWS),
        "unreadable": _("I could not read the file: send an XLSX or CSV file."),
        "no_sheets": _("The file has none of the sheets {sheets}.").format(
            sheets=", ".join(SHEETS)
        ),
        "bad_header": _(
            "The CSV file's first row must be the header of one of the template's sheets."
        ),
        "not_allowed": _("Only administrators and coordinators import the directory."),
    }
    return texts.get(reason)


def problems_text(problems: list[Problem]) -> str:
    """One line per problem, the first twenty, then how many more."""
    for problem in problems:
        whole = file_problem_text(problem.reason) if problem.row == 0 else None
        if whole is not None:
            return whole + "\n" + _("Nothing was stored.")
    lines = [_("Nothing was stored: fix these rows and send the file again.")]
    for problem in problems[:SHOWN]:
        lines.append(
            _("Sheet «{sheet}», row {row}, column «{column}»: {reason}").format(
                sheet=problem.sheet,
                row=problem.row,
                column=problem.column or "—",
                reason=reason_text(problem.reason),
            )
        )
    if len(problems) > SHOWN:
        lines.append(_("…and {n} more.").format(n=len(problems) - SHOWN))
    return "\n".join(lines)


def summary_text(summary: Summary) -> str:
    lines = [_("The file is imported.")]
    labels = sheet_labels()
    for sheet in SHEETS:
        lines.append(
            _("{what}: {added} added, {updated} updated").format(
                what=labels[sheet],
                added=summary.added.get(sheet, 0),
                updated=summary.updated.get(sheet, 0),
            )
        )
    return "\n".join(lines)


def sheet_labels() -> dict[str, str]:
    return {
        "institutions": _("Institutions"),
        "squads": _("Squads"),
        "schools": _("Schools"),
        "attachments": _("Squads attached to schools"),
    }


def template_caption() -> str:
    sheets = "; ".join(f"{code}: {label}" for code, label in sheet_labels().items())
    return _(
        "The import template, a sheet for each kind ({sheets}), each with its header and an "
        "example row. Fill in the sheets you need (delete the examples), or send one sheet as a "
        "CSV file with the same header. Region: its code or name (a coordinator may leave it "
        "empty); kind: {kinds}; dates: 01.06.2027 (the start empty: today). A squad gets its "
        "join code at once."
    ).format(sheets=sheets, kinds=KIND_CODES)


def file_question() -> str:
    return _("Send the filled-in file (XLSX or CSV, up to 1 MB), or /cancel.")


def whatsapp_note() -> str:
    return _(
        "I cannot receive files on WhatsApp yet: send the filled-in file to Qamqor on "
        "Telegram (/link joins your accounts)."
    )
