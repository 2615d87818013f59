"""The person's stored language; before registration, their pick at /start or a guess."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from handlers.common.conversation import chosen_locale
from services.locales import guess_locale
from services.people import Actor


class PersonI18nMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor: Actor | None = data.get("actor")
        if actor is not None:
            return actor.locale
        state: FSMContext | None = data.get("state")
        chosen = await chosen_locale(state) if state is not None else None
        if chosen is not None:
            return chosen
        user: User | None = data.get("event_from_user")
        return guess_locale(user.language_code if user else None)
