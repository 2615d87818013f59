"""Inline keyboards, built in the current locale."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder, KeyboardBuilder

from handlers.callbacks import (
    ConsentCb,
    ForgetCb,
    InviteRoleCb,
    InviteScopeCb,
    LanguageCb,
    PreferCb,
    RoleCb,
)
from handlers.labels import role_label
from services.directory import Named

# Each language names itself, so a person who cannot read the others still finds theirs.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def _inline(builder: KeyboardBuilder[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    markup = builder.as_markup()
    assert isinstance(markup, InlineKeyboardMarkup)  # the builder's type hint is a union
    return markup


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(code=code))
    return _inline(builder.adjust(3))


def consent() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree"), callback_data=ConsentCb(accept=True))
    builder.button(text=_("✖️ I do not agree"), callback_data=ConsentCb(accept=False))
    return _inline(builder.adjust(1))


def who_are_you() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🙋 Volunteer (camp leader)"), callback_data=RoleCb(role="volunteer"))
    builder.button(text=_("👪 Parent"), callback_data=RoleCb(role="parent"))
    builder.button(text=_("🧑‍🏫 Teacher"), callback_data=RoleCb(role="teacher"))
    builder.button(text=_("🧹 Palace staff"), callback_data=RoleCb(role="staff"))
    return _inline(builder.adjust(1))


def forget_confirm() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, delete everything"), callback_data=ForgetCb(confirm=True))
    builder.button(text=_("No, keep my data"), callback_data=ForgetCb(confirm=False))
    return _inline(builder.adjust(1))


def invite_roles(roles: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in roles:
        builder.button(text=role_label(role), callback_data=InviteRoleCb(role=role))
    return _inline(builder.adjust(1))


def scope_choices(kind: str, items: list[Named]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(text=item.name, callback_data=InviteScopeCb(kind=kind, id=item.id))
    return _inline(builder.adjust(2 if kind == "region" else 1))


def preferred_channel(channels: dict[str, str]) -> InlineKeyboardMarkup:
    """One button per linked channel (code -> name)."""
    builder = InlineKeyboardBuilder()
    for code, name in channels.items():
        builder.button(text=name, callback_data=PreferCb(channel=code))
    return _inline(builder.adjust(2))
