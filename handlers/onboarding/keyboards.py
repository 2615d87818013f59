"""The onboarding flow's keyboards, built in the current locale."""

from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.keyboards import inline
from handlers.onboarding.callbacks import ConsentCb, LanguageCb, Who, WhoCb

# Each language names itself, so a person who cannot read the others still finds theirs.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@cache  # the same in every locale, and sent to every newcomer
def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=LANGUAGE_NAMES["kk"], callback_data=LanguageCb(code="kk"))
    builder.button(text=LANGUAGE_NAMES["ru"], callback_data=LanguageCb(code="ru"))
    builder.button(text=LANGUAGE_NAMES["en"], callback_data=LanguageCb(code="en"))
    return inline(builder.adjust(3))


def consent() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree"), callback_data=ConsentCb(accept=True))
    builder.button(text=_("✖️ I do not agree"), callback_data=ConsentCb(accept=False))
    return inline(builder.adjust(1))


def who_are_you() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🙋 Volunteer (camp leader)"), callback_data=WhoCb(who=Who.VOLUNTEER))
    builder.button(text=_("👪 Parent"), callback_data=WhoCb(who=Who.PARENT))
    builder.button(text=_("🧑‍🏫 Teacher"), callback_data=WhoCb(who=Who.TEACHER))
    builder.button(text=_("🏛 Palace staff"), callback_data=WhoCb(who=Who.STAFF))
    return inline(builder.adjust(1))
