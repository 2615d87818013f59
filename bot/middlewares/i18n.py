"""The person's stored language; before registration, their pick at /start or a guess."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from services.locales import SUPPORTED_LOCALES, guess_locale
from services.people import Actor


class PersonI18nMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor: Actor | None = data.get("actor")
        if actor is not None:
            return actor.locale
        state: FSMContext | None = data.get("state")
        if state is not None:
            chosen = (await state.get_data()).get("locale")
            if chosen in SUPPORTED_LOCALES:
                return str(chosen)
        user: User | None = data.get("event_from_user")
        return guess_locale(user.language_code if user else None)
