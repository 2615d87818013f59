"""Telegram long polling: the default transport when a token is set and no webhook URL."""

from __future__ import annotations

from aiogram import Bot

from bot.app import App


async def run_polling(app: App, bot: Bot) -> None:
    # A webhook left from an earlier deployment would make getUpdates fail.
    await bot.delete_webhook(drop_pending_updates=False)
    await app.dispatcher.start_polling(
        bot,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
        handle_signals=True,
        close_bot_session=False,
    )
