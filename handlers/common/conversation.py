"""Ending a conversation without forgetting the language a newcomer chose in it."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import I18n

from services.locales import SUPPORTED_LOCALES


async def chosen_locale(state: FSMContext) -> str | None:
    """The language a person not yet registered picked (registered people's is stored)."""
    locale = (await state.get_data()).get("locale")
    return str(locale) if locale in SUPPORTED_LOCALES else None


async def end_conversation(state: FSMContext) -> None:
    """The step's answers go; the chosen language stays, so the next reply still reads it."""
    locale = await chosen_locale(state)
    await state.set_state(None)
    await state.set_data({"locale": locale} if locale else {})


def in_each_language(i18n: I18n, text: Callable[[], str]) -> str:
    """For someone whose language is not known yet: the text in each of ours, once each."""
    texts: list[str] = []
    for locale in SUPPORTED_LOCALES:
        with i18n.use_locale(locale):
            rendered = text()
        if rendered not in texts:
            texts.append(rendered)
    return "\n\n".join(texts)
