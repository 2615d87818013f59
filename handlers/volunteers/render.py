"""Outbox payloads, rendered in their reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import I18n

from handlers.volunteers import keyboards
from handlers.volunteers.texts import card_text, result_text
from services.volunteers.applications import Card, Result


def card_renderer(i18n: I18n) -> Callable[[Card], dict[str, Any]]:
    """A coordinator's card with Approve / Reject."""

    def render(card: Card) -> dict[str, Any]:
        with i18n.use_locale(card.locale):
            markup = keyboards.review(card.volunteer_id)
            return {"text": card_text(card), "reply_markup": markup.model_dump(exclude_none=True)}

    return render


def result_renderer(i18n: I18n) -> Callable[[Result], str]:
    def render(result: Result) -> str:
        with i18n.use_locale(result.locale):
            return result_text(result.approved, result.reason)

    return render
