"""The onboarding flow's buttons."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from aiogram.filters.callback_data import CallbackData

LocaleCode = Literal["kk", "ru", "en"]


class Who(StrEnum):
    """What a newcomer says they are; teachers and staff are given their role by an invite."""

    VOLUNTEER = "volunteer"
    PARENT = "parent"
    TEACHER = "teacher"
    STAFF = "staff"


class LanguageCb(CallbackData, prefix="lang"):
    code: LocaleCode


class ConsentCb(CallbackData, prefix="consent"):
    accept: bool


class WhoCb(CallbackData, prefix="role"):
    who: Who
