"""The report's buttons: typed and bounded, so a forged one is simply out of date."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from handlers.common.callbacks import Page

RegionOrRepublic = Annotated[int, Field(ge=0, le=2**31 - 1)]  # 0: the republic
REPUBLIC = 0


class ReportPageCb(CallbackData, prefix="rep_page"):
    page: Page


class ReportScopeCb(CallbackData, prefix="rep_scope"):
    region: RegionOrRepublic


class ReportActionCb(CallbackData, prefix="rep_do"):
    action: Literal["xlsx", "chart", "season", "all"]
    region: RegionOrRepublic
    period: Literal["season", "all"]
