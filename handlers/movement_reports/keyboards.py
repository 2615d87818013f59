"""The report's keyboards, built in the current locale."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.keyboards import inline, paged
from handlers.movement_reports.callbacks import (
    REPUBLIC,
    ReportActionCb,
    ReportPageCb,
    ReportScopeCb,
)
from services.movement_reports.rules import Period


def scopes(found: Sequence[tuple[int, str]], page: int, republic: bool) -> InlineKeyboardMarkup:
    """The republic first (administrators), then the regions, nine to a page."""
    items = ([(REPUBLIC, _("Republic of Kazakhstan"))] if republic else []) + list(found)
    return paged(
        items,
        page,
        lambda item: (item[1], ReportScopeCb(region=item[0])),
        lambda next_page: ReportPageCb(page=next_page),
    )


def options(region: int, period: Period) -> InlineKeyboardMarkup:
    other = Period.ALL if period is Period.SEASON else Period.SEASON
    builder = InlineKeyboardBuilder()
    for action, text in (
        ("xlsx", _("XLSX")),
        ("chart", _("Chart")),
        (other.value, _("All time") if other is Period.ALL else _("This season")),
    ):
        builder.button(
            text=text,
            callback_data=ReportActionCb(action=action, region=region, period=period.value),
        )
    return inline(builder)
