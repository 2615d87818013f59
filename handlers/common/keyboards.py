"""Keyboard pieces every feature uses; a feature's own keyboards live in its package.

The portable subset (README): at most `MAX_OPTIONS` options per message, so WhatsApp and the
console can show them as a numbered list; longer lists page with a "more" option.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder, KeyboardBuilder

MAX_OPTIONS = 10
T = TypeVar("T")


def inline(builder: KeyboardBuilder[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    markup = builder.as_markup()
    assert isinstance(markup, InlineKeyboardMarkup)  # the builder's type hint is a union
    return markup


def paged(
    items: Sequence[T],
    page: int,
    button: Callable[[T], tuple[str, CallbackData]],
    more: Callable[[int], CallbackData],
    *,
    columns: int = 1,
) -> InlineKeyboardMarkup:
    """One page of a long list: up to nine items and "More", so no message has over ten."""
    size = MAX_OPTIONS - 1
    page = max(0, min(page, (len(items) - 1) // size)) if items else 0
    builder = InlineKeyboardBuilder()
    for item in items[page * size : (page + 1) * size]:
        text, data = button(item)
        builder.button(text=text, callback_data=data)
    builder.adjust(columns)
    if (page + 1) * size < len(items):
        builder.row(InlineKeyboardButton(text=_("More ▸"), callback_data=more(page + 1).pack()))
    return inline(builder)
