"""WhatsApp in the console: a persona's lines take a WhatsApp number's own path.

A typed line becomes the fields of Twilio's incoming-message webhook and goes through
`WhatsAppTransport.receive` (numbered replies picked from the options stored for the number,
channel WHATSAPP); the handlers' replies are rendered by `WhatsAppChannel` as WhatsApp shows them
and posted to a gateway that puts them on the screen instead of Twilio.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.whatsapp.address import address_of, chat_id_of
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.media import MEDIA_PREFIX, MediaLinks
from bot.whatsapp.media_store import Media, load_media
from bot.whatsapp.transport import WhatsAppTransport
from services.uow import reading
from storage.base import utcnow

# Media links are made as for Twilio, then read back here: nobody fetches them over HTTP.
MEDIA_BASE_URL = "http://console.invalid"

# (the number's digits, the text posted, the documents sent with it)
Show = Callable[[int, str, Sequence[Media]], Awaitable[None]]


class ScreenGateway:
    """Twilio's place in the channel: a message posted to a number is shown on the screen."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], show: Show) -> None:
        self.sessions = sessions
        self.show = show

    async def send(
        self,
        to: str,
        *,
        body: str | None = None,
        media_urls: Sequence[str] = (),
        content_sid: str | None = None,
        variables: dict[str, str] | None = None,
        status_callback: str | None = None,
    ) -> str:
        text = body or ""
        if content_sid is not None:
            filled = ", ".join(f"{k}={v!r}" for k, v in (variables or {}).items())
            text = f"[template {content_sid}: {filled}]"
        await self.show(chat_id_of(to), text, await self._media(media_urls))
        return f"SM{uuid.uuid4().hex}"

    async def _media(self, urls: Sequence[str]) -> list[Media]:
        found = []
        for url in urls:
            path = unquote(urlsplit(url).path)
            token = path.removeprefix(MEDIA_PREFIX).partition("/")[0]
            async with self.sessions() as session, reading(session):
                media = await load_media(session, token, utcnow())
            if media is not None:
                found.append(media)
        return found

    async def close(self) -> None:
        return None


def console_whatsapp(app: App, show: Show) -> WhatsAppTransport:
    channel = WhatsAppChannel(
        ScreenGateway(app.session_factory, show),
        app.session_factory,
        MediaLinks(MEDIA_BASE_URL, secrets.token_hex(16)),
        media_ttl=timedelta(minutes=app.settings.media_url_ttl_minutes),
    )
    return WhatsAppTransport(app.dispatcher, app.session_factory, channel)


def incoming(number: int, profile_name: str, text: str) -> dict[str, str]:
    """What Twilio's webhook posts when this number writes `text`."""
    return {
        "MessageSid": f"SM{uuid.uuid4().hex}",
        "From": address_of(number),
        "Body": text,
        "ProfileName": profile_name,
    }
