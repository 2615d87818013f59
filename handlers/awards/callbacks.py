"""The award flow's buttons: typed and bounded, so a forged one is simply out of date."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import DbId, Page


class AwardPageCb(CallbackData, prefix="award_page"):
    page: Page


class AwardPickCb(CallbackData, prefix="award_pick"):
    volunteer: DbId


class NoReasonCb(CallbackData, prefix="award_no_reason"):
    volunteer: DbId


class AwardConfirmCb(CallbackData, prefix="award_yes"):
    volunteer: DbId
