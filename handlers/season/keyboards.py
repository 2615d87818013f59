"""The plan's keyboards, built in the current locale."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.keyboards import inline, paged
from handlers.season.callbacks import NoNoteCb, PlanCreateCb, PlanPageCb, PlanRegionCb, PlanTaskCb
from handlers.season.texts import region_button, task_button
from services.season.plan import RegionStatus, TaskView


def regions(found: Sequence[RegionStatus], page: int) -> InlineKeyboardMarkup:
    return paged(
        found,
        page,
        lambda region: (region_button(region), PlanRegionCb(region=region.region_id)),
        lambda next_page: PlanPageCb(page=next_page),
    )


def tasks(found: Sequence[TaskView], page: int) -> InlineKeyboardMarkup:
    return paged(
        found,
        page,
        lambda task: (task_button(task), PlanTaskCb(task=task.id)),
        lambda next_page: PlanPageCb(page=next_page),
    )


def no_note(task: TaskView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("No note"), callback_data=NoNoteCb(task=task.id))
    return inline(builder)


def create(season: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Create the {season} plan").format(season=season),
        callback_data=PlanCreateCb(season=season),
    )
    return inline(builder)
