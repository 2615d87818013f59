"""Telegram long polling: the default transport when a token is set and no webhook URL."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot

from bot.app import App

log = logging.getLogger(__name__)
FINISH_SECONDS = 20  # updates under way at a stop: their replies, commits, states written


async def run_polling(app: App, bot: Bot) -> None:
    # A webhook left from an earlier deployment would make getUpdates fail.
    await bot.delete_webhook(drop_pending_updates=False)
    await app.dispatcher.start_polling(
        bot,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
        handle_signals=True,
        close_bot_session=False,
    )
    await finish_updates(app)


async def finish_updates(app: App) -> None:
    """aiogram stops polling without waiting for the updates it handed to tasks: wait for them
    before the bot's session, the engine and the states written behind close under them."""
    running = set(app.dispatcher._handle_update_tasks)
    if not running:
        return
    _, late = await asyncio.wait(running, timeout=FINISH_SECONDS)
    if late:
        log.warning("%d updates still running at stop: cut off", len(late))
