"""The WhatsApp side of the process: incoming messages fed to the Dispatcher, status callbacks."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Mapping

from aiogram import Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.choices import Choices
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.inbound import parse_inbound, to_update
from services.chats import load_choices, save_choices, touch_inbound
from services.delivery import StatusChange, record_status
from services.updates import seen_before
from storage.base import utcnow

log = logging.getLogger(__name__)
CHANNEL = "whatsapp"


class WhatsAppTransport:
    def __init__(
        self,
        dispatcher: Dispatcher,
        session_factory: async_sessionmaker[AsyncSession],
        channel: WhatsAppChannel,
    ) -> None:
        self.dispatcher = dispatcher
        self.sessions = session_factory
        self.channel = channel
        # aiogram wants integer update ids; dedup goes by MessageSid, so these need not persist.
        self.update_ids = itertools.count(int(time.time() * 1000))

    async def receive(self, form: Mapping[str, str]) -> bool:
        """Handle one incoming message; False when its MessageSid was handled before."""
        inbound = parse_inbound(form)
        async with self.sessions() as session:
            if await seen_before(session, CHANNEL, inbound.message_sid):
                return False
            await touch_inbound(session, inbound.address, utcnow())
            stored = await load_choices(session, inbound.address)
            choices = Choices.from_dict(stored) if stored else None
            message_id = next(self.channel.results.message_ids)
            raw, after = to_update(inbound, choices, next(self.update_ids), message_id)
            if after != choices:
                await save_choices(session, inbound.address, after.to_dict() if after else None)
            # Committed before the update runs: a handler's transaction must not wait on ours.
            await session.commit()
        bot = self.channel.bot
        update = Update.model_validate(raw, context={"bot": bot})
        await self.dispatcher.feed_update(
            bot, update, channel=CHANNEL, update_key=inbound.message_sid
        )
        return True

    async def status(self, form: Mapping[str, str]) -> StatusChange | None:
        """A delivery status callback; ValueError when it names no message."""
        sid = form.get("MessageSid", "")
        status = form.get("MessageStatus", "")
        if not sid or not status:
            raise ValueError("no MessageSid or MessageStatus")
        async with self.sessions() as session:
            change = await record_status(
                session, sid, status.lower(), form.get("ErrorCode") or None, utcnow()
            )
        if change is not None and change.fallback_id is not None:
            log.info("message %s %s: queued again on another channel", sid, status)
        return change
