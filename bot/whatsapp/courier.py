"""Outbox rows to WhatsApp: free text inside the 24-hour window, an approved template outside it.

A row that would need a template it has none for is refused here, before Twilio sees it, and
recorded as failed with the reason (the sender then tries the person's other channel).
"""

from __future__ import annotations

from datetime import datetime

from aiogram.methods import SendMessage

from bot.outbox.couriers import PermanentFailure, telegram_message
from bot.render.choices import Style
from bot.render.textui import render
from bot.whatsapp.address import address_of
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.chats import last_inbound, within_window
from services.channels import Channel
from services.locales import DEFAULT_LOCALE
from services.messaging.outbox import OutboxItem
from services.uow import reading
from storage.base import utcnow

Templates = dict[str, dict[str, str]]  # kind -> locale -> Content SID
KNOWN_WINDOWS = 100_000  # numbers whose window is kept between claims


class WhatsAppCourier:
    channel = Channel.WHATSAPP

    def __init__(
        self, channel: WhatsAppChannel, templates: Templates, status_callback: str | None
    ) -> None:
        self._channel = channel
        self._templates = templates
        self._status_callback = status_callback
        self._last_inbound: dict[str, datetime | None] = {}

    async def prepare(self, items: list[OutboxItem]) -> None:
        """When each recipient last wrote: inside 24 hours a message may go as free text.

        Added to what earlier claims found: their rows may still be waiting for their turn.
        """
        if len(self._last_inbound) > KNOWN_WINDOWS:
            self._last_inbound.clear()
        async with self._channel.sessions() as session, reading(session):
            found = await last_inbound(session, [i.external_id for i in items])
        self._last_inbound.update(found)

    async def post(self, item: OutboxItem) -> str | None:
        text, markup = telegram_message(item.payload)
        if item.external_id not in self._last_inbound:
            await self.prepare([item])
        if within_window(self._last_inbound.get(item.external_id), utcnow()):
            chat_id = int(item.external_id)
            method = SendMessage(chat_id=chat_id, text=text, reply_markup=markup)
            rendered = render(method, Style.WHATSAPP)
            assert rendered is not None
            message_id = next(self._channel.results.message_ids)
            sids = await self._channel.deliver(
                item.external_id, rendered, message_id, status_callback=self._status_callback
            )
            return sids[-1]
        locale = str(item.payload.get("locale") or DEFAULT_LOCALE)
        content_sid = self._templates.get(item.kind, {}).get(locale)
        if content_sid is None:
            raise PermanentFailure(
                f"outside the 24-hour window: no template for {item.kind!r} in {locale!r}"
            )
        variables = item.payload.get("variables") or {"1": text}
        return await self._channel.gateway.send(
            address_of(item.external_id),
            content_sid=content_sid,
            variables={str(k): str(v) for k, v in variables.items()},
            status_callback=self._status_callback,
        )
