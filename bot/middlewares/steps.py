"""After a command answered in the middle of a conversation, its step is asked again.

A flow's question carries the options; on WhatsApp any later message closes them, so without
this "2" would stop working after /help. Handlers opt in with the `RESUMES` flag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject

from handlers.common.steps import Steps


class ResumeStepMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if not get_flag(data, "resumes_step") or state is None:
            return await handler(event, data)
        before = await state.get_state()
        result = await handler(event, data)
        # A command that started or ended a conversation has said what comes next itself.
        if before is not None and await state.get_state() == before:
            steps: Steps = data["steps"]
            await steps.ask_again(data)
        return result
