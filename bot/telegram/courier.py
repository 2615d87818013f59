"""Outbox rows to Telegram, and Telegram's errors in the sender's terms."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.outbox.couriers import (
    PermanentFailure,
    RecipientBlocked,
    RetryAfter,
    TemporaryFailure,
    describe,
    telegram_message,
)
from services.channels import Channel
from services.messaging.outbox import OutboxItem


class TelegramCourier:
    """Rows of the ``telegram`` channel: ``{"text": ..., "reply_markup": {...}}`` to a chat."""

    channel = Channel.TELEGRAM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def prepare(self, items: list[OutboxItem]) -> None:
        return None

    async def post(self, item: OutboxItem) -> str | None:
        text, markup = telegram_message(item.payload)
        try:
            await self.bot.send_message(
                chat_id=int(item.external_id), text=text, reply_markup=markup
            )
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after, describe(error)) from error
        except TelegramForbiddenError as error:
            raise RecipientBlocked(describe(error)) from error
        except TelegramEntityTooLarge as error:
            raise PermanentFailure(describe(error)) from error
        except (TelegramServerError, TelegramNetworkError, ClientDecodeError, OSError) as error:
            raise TemporaryFailure(describe(error)) from error
        except TelegramAPIError as error:
            raise PermanentFailure(describe(error)) from error
        return None
