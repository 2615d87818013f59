"""The report's words and numbers in the reader's language (Babel)."""

from __future__ import annotations

from dataclasses import replace

from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal, format_percent

from services.movement_reports.chart import ChartLabels
from services.movement_reports.queries import NO_SQUAD, Report
from services.movement_reports.rules import Period
from services.movement_reports.workbook import Labels


def whole(value: int, locale: str) -> str:
    """12 345 with the locale's grouping (a no-break space in kk and ru)."""
    return format_decimal(value, locale=locale)


def percent(rate: float | None, locale: str) -> str:
    """87,5 % / 87.5%; a dash when no session was held yet."""
    if rate is None:
        return "—"
    # the locale's own pattern (its spacing and sign), to a tenth of a percent at most
    return format_percent(round(rate, 3), locale=locale, decimal_quantization=False)


def period_name(period: Period) -> str:
    return _("this season") if period is Period.SEASON else _("all time")


def scope_name(report: Report) -> str:
    return report.scope or _("Republic of Kazakhstan")


def summary(report: Report, locale: str) -> str:
    total = report.total
    return "\n".join(
        (
            _("Report: {scope}, {period}").format(
                scope=scope_name(report), period=period_name(report.period)
            ),
            "",
            _("Volunteers registered: {registered}, approved: {approved}").format(
                registered=whole(total.registered, locale), approved=whole(total.approved, locale)
            ),
            _("Course attendance: {rate}").format(rate=percent(total.rate, locale)),
            _("Certificates issued: {count}").format(count=whole(total.certificates, locale)),
            _("Schools: {schools}; with a squad: {covered}; without a squad: {uncovered}").format(
                schools=whole(total.schools, locale),
                covered=whole(total.covered, locale),
                uncovered=whole(total.uncovered, locale),
            ),
        )
    )


def labels() -> Labels:
    return Labels(
        regions_sheet=_("Regions"),
        squads_sheet=_("Squads"),
        uncovered_sheet=_("Schools without a squad"),
        region=_("Region"),
        squad=_("Squad"),
        district=_("District"),
        school=_("School"),
        registered=_("Volunteers registered"),
        approved=_("Approved"),
        rate=_("Course attendance"),
        certificates=_("Certificates"),
        schools=_("Schools"),
        covered=_("With a squad"),
        uncovered=_("Without a squad"),
        total=_("Total"),
    )


def chart_labels(report: Report) -> ChartLabels:
    return ChartLabels(
        title=_("{scope}: volunteers and schools").format(scope=scope_name(report)),
        approved=_("Approved volunteers"),
        covered=_("Schools with a squad"),
    )


def named(report: Report) -> Report:
    """The row of volunteers in no squad gets its name in the reader's language."""
    squads = [
        replace(row, name=_("No squad")) if row.key == NO_SQUAD else row for row in report.squads
    ]
    return replace(report, squads=squads)
