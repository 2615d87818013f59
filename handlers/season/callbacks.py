"""The plan's buttons: typed and bounded, so a forged one is simply out of date."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from handlers.common.callbacks import DbId, Page

RegionOrRepublic = Annotated[int, Field(ge=0, le=2**31 - 1)]  # 0: the republic-wide tasks
Season = Annotated[int, Field(ge=2000, le=2100)]


class PlanPageCb(CallbackData, prefix="plan_page"):
    page: Page


class PlanRegionCb(CallbackData, prefix="plan_region"):
    region: RegionOrRepublic


class PlanTaskCb(CallbackData, prefix="plan_task"):
    task: DbId


class NoNoteCb(CallbackData, prefix="plan_no_note"):
    task: DbId


class PlanCreateCb(CallbackData, prefix="plan_create"):
    season: Season
