"""The WhatsApp side of the process: incoming messages fed to the Dispatcher, status callbacks."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiogram import Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render.choices import Choices
from bot.render.updates import Updates
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.chats import load_choices, save_choices, touch_inbound
from bot.whatsapp.inbound import parse_inbound, to_update
from services.channels import Channel
from services.messaging.delivery import StatusChange, record_status
from services.messaging.statuses import DeliveryStatus
from services.uow import unit_of_work
from services.updates import is_finished
from storage.base import utcnow

log = logging.getLogger(__name__)
CHANNEL = Channel.WHATSAPP
# Twilio's words for a message's fate, in ours ("sending" tells nothing "queued" does not).
TWILIO_STATUSES = {
    "accepted": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "failed": DeliveryStatus.FAILED,
    "undelivered": DeliveryStatus.FAILED,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
}


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
        self.updates = Updates()

    async def receive(self, form: Mapping[str, str]) -> bool:
        """Handle one incoming message; False when its MessageSid was handled before."""
        inbound = parse_inbound(form)
        # Committed before the update runs: a handler's transaction must not wait on ours.
        async with self.sessions() as session, unit_of_work(session):
            if await is_finished(session, CHANNEL, inbound.message_sid):
                return False
            await touch_inbound(session, inbound.address, utcnow())
            stored = await load_choices(session, inbound.address)
            choices = Choices.from_dict(stored) if stored else None
            message_id = next(self.channel.results.message_ids)
            raw, after = to_update(inbound, choices, self.updates, message_id)
            if after != choices:
                await save_choices(session, inbound.address, after.to_dict() if after else None)
        bot = self.channel.bot
        update = Update.model_validate(raw, context={"bot": bot})
        await self.dispatcher.feed_update(
            bot, update, channel=CHANNEL, update_key=inbound.message_sid
        )
        return True

    async def status(self, form: Mapping[str, str]) -> StatusChange | None:
        """A delivery status callback; ValueError when it names no message."""
        sid = form.get("MessageSid", "")
        reported = form.get("MessageStatus", "")
        if not sid or not reported:
            raise ValueError("no MessageSid or MessageStatus")
        status = TWILIO_STATUSES.get(reported.lower())
        if status is None:
            return None  # a status this version does not know moves nothing
        async with self.sessions() as session:
            change = await record_status(
                session, sid, status, form.get("ErrorCode") or None, utcnow()
            )
        if change is not None and change.fallback_id is not None:
            log.info("message %s %s: queued again on another channel", sid, reported)
        return change
