"""Twilio's webhooks and the media links on the bot's own aiohttp server.

Every Twilio request is signed over the URL Twilio called: behind a proxy that is the public
URL from config, never the one this server sees.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web
from twilio.request_validator import RequestValidator

from bot.whatsapp.media import MEDIA_PATH
from bot.whatsapp.media_store import load_media
from bot.whatsapp.transport import WhatsAppTransport
from storage.base import utcnow

log = logging.getLogger(__name__)
WHATSAPP_PATH = "/twilio/whatsapp"
STATUS_PATH = "/twilio/status"
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def add_whatsapp_routes(
    web_app: web.Application, transport: WhatsAppTransport, public_base_url: str, auth_token: str
) -> None:
    validator = RequestValidator(auth_token)
    base = public_base_url.rstrip("/")

    async def signed_form(request: web.Request) -> dict[str, str] | None:
        try:
            form = {key: str(value) for key, value in (await request.post()).items()}
        except ValueError:
            return None
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not validator.validate(base + request.path_qs, form, signature):
            log.warning("refused an unsigned or badly signed request from %s", request.remote)
            return None
        return form

    def signed(
        action: Callable[[dict[str, str]], Awaitable[object]],
        answer: Callable[[], web.Response],
        what: str,
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """A Twilio route: 403 unless signed, 400 when the fields make no sense."""

        async def route(request: web.Request) -> web.Response:
            form = await signed_form(request)
            if form is None:
                return web.Response(status=403, text="Forbidden")
            try:
                await action(form)
            except ValueError as error:
                log.warning("malformed %s: %s", what, error)
                return web.Response(status=400, text=f"Malformed {what}")
            return answer()

        return route

    # Replies go out through the API as they are made; the webhook itself answers nothing.
    def empty_twiml() -> web.Response:
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    def no_content() -> web.Response:
        return web.Response(status=204)

    async def media(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        links = transport.channel.media
        now = utcnow()
        if not links.verify(
            token, request.query.get("expires", ""), request.query.get("signature", ""), now
        ):
            return web.Response(status=403, text="Forbidden")
        async with transport.sessions() as session:
            found = await load_media(session, token, now)
        if found is None:
            return web.Response(status=404, text="Gone")
        return web.Response(
            body=found.data,
            content_type=found.content_type,
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    web_app.router.add_post(WHATSAPP_PATH, signed(transport.receive, empty_twiml, "message"))
    web_app.router.add_post(STATUS_PATH, signed(transport.status, no_content, "status"))
    web_app.router.add_get(MEDIA_PATH, media)
