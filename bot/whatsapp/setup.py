"""Builds the WhatsApp channel from Settings, for the runner and the tests alike."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from bot.app import App
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.courier import WhatsAppCourier
from bot.whatsapp.gateway import TwilioGateway
from bot.whatsapp.media import MediaLinks
from bot.whatsapp.transport import WhatsAppTransport
from bot.whatsapp.web import STATUS_PATH


@contextlib.asynccontextmanager
async def whatsapp_transport(app: App) -> AsyncIterator[WhatsAppTransport]:
    s = app.settings
    assert s.twilio_account_sid and s.twilio_auth_token and s.twilio_whatsapp_from
    assert s.public_base_url
    token = s.twilio_auth_token.get_secret_value()
    gateway = TwilioGateway(
        s.twilio_account_sid, token, s.twilio_whatsapp_from, api_url=s.twilio_api_url
    )
    channel = WhatsAppChannel(
        gateway,
        app.session_factory,
        MediaLinks(s.public_base_url, token),
        media_ttl=timedelta(minutes=s.media_url_ttl_minutes),
        quick_replies=s.whatsapp_quick_replies,
    )
    try:
        yield WhatsAppTransport(app.dispatcher, app.session_factory, channel)
    finally:
        await channel.close()


def whatsapp_courier(app: App, transport: WhatsAppTransport) -> WhatsAppCourier:
    s = app.settings
    assert s.public_base_url
    status_url = s.public_base_url.rstrip("/") + STATUS_PATH
    return WhatsAppCourier(transport.channel, s.whatsapp_templates, status_url)
