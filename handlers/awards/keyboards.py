"""The award flow's keyboards, built in the current locale."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.awards.callbacks import AwardConfirmCb, AwardPageCb, AwardPickCb, NoReasonCb
from handlers.awards.texts import ranked_button
from handlers.common.keyboards import MAX_OPTIONS, inline, paged
from services.awards.ranking import Ranked

__all__ = ["MAX_OPTIONS", "confirm", "no_reason", "ranking"]


def ranking(found: Sequence[Ranked], page: int) -> InlineKeyboardMarkup:
    return paged(
        found,
        page,
        lambda ranked: (ranked_button(ranked), AwardPickCb(volunteer=ranked.volunteer_id)),
        lambda next_page: AwardPageCb(page=next_page),
    )


def no_reason(volunteer_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("No reason"), callback_data=NoReasonCb(volunteer=volunteer_id))
    return inline(builder)


def confirm(volunteer_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Award the letter"), callback_data=AwardConfirmCb(volunteer=volunteer_id))
    return inline(builder)
