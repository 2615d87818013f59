"""Whatever answer a step's own handlers did not take gets its question again, with the options
and a line on how to answer them on this channel (handlers/common/steps.py)."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.types import Message

from handlers.common.steps import Steps, retry_hint
from handlers.features import Feature, Position
from services.channels import Channel


async def answer_does_not_fit(message: Message, raw_state: str | None = None, **data: Any) -> bool:
    # A command goes on to the refusal and "unknown command" answers, which resume the step.
    if (message.text or "").startswith("/"):
        return False
    steps: Steps = data["steps"]
    return steps.ask_for(raw_state) is not None


async def ask_again(message: Message, steps: Steps, channel: Channel, **data: Any) -> None:
    """The step's question again, with its options."""
    data.update(steps=steps, channel=channel)
    await steps.ask_again(data, hint=retry_hint(channel))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_again, answer_does_not_fit)
    return router


feature = Feature(name="steps", router=make_router, position=Position.STEPS)
