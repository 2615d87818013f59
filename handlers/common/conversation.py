"""Ending a conversation without forgetting the language a newcomer chose in it."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext

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
