"""Twilio's Messages API through the SDK's async client, its errors in our courier terms."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.outbox.couriers import PermanentFailure, RecipientBlocked, RetryAfter, TemporaryFailure

log = logging.getLogger(__name__)

# Twilio sends no Retry-After with 20429; a second lets its per-sender bucket refill.
RATE_LIMIT_PAUSE = 1.0
TOO_MANY_REQUESTS = 20429
OUTSIDE_WINDOW = 63016
TIER_LIMIT = 63018
OPTED_OUT = frozenset({21610, 63024})  # unsubscribed recipient; not a WhatsApp user
REASONS = {
    OUTSIDE_WINDOW: "outside the 24-hour window and no template",
    TIER_LIMIT: "the sender's messaging tier limit is reached",
}
BODY_LIMIT = 1600  # Twilio's limit for one message body


class Gateway(Protocol):
    """Where the WhatsApp channel posts its messages: Twilio, or the console simulator's screen."""

    async def send(
        self,
        to: str,
        *,
        body: str | None = None,
        media_urls: Sequence[str] = (),
        content_sid: str | None = None,
        variables: dict[str, str] | None = None,
        status_callback: str | None = None,
    ) -> str: ...

    async def close(self) -> None: ...


class TwilioGateway:
    def __init__(
        self, account_sid: str, auth_token: str, sender: str, *, api_url: str | None = None
    ) -> None:
        self.sender = sender
        self._http = AsyncTwilioHttpClient(timeout=30)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        if api_url:
            self._client.api.base_url = api_url.rstrip("/")

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
        """Post one message; its MessageSid, or a courier error."""
        fields: dict[str, Any] = {"to": to, "from_": self.sender}
        if body:
            fields["body"] = body
        if media_urls:
            fields["media_url"] = list(media_urls)
        if content_sid:
            fields["content_sid"] = content_sid
            if variables:
                fields["content_variables"] = json.dumps(variables, ensure_ascii=False)
        if status_callback:
            fields["status_callback"] = status_callback
        try:
            message = await self._client.messages.create_async(**fields)
        except TwilioRestException as error:
            raise translate(error) from error
        except (TimeoutError, aiohttp.ClientError, OSError, TwilioException) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        return str(message.sid)

    async def close(self) -> None:
        if self._http.session is not None:
            await self._http.session.close()


def translate(error: TwilioRestException) -> Exception:
    code = int(error.code or error.status)
    reason = f"twilio {code}: {REASONS.get(code, error.msg)}"
    if error.status == 429 or code == TOO_MANY_REQUESTS:
        return RetryAfter(RATE_LIMIT_PAUSE, reason)
    if code in OPTED_OUT:
        return RecipientBlocked(reason)
    if error.status >= 500:
        return TemporaryFailure(reason)
    return PermanentFailure(reason)


def split_body(text: str, limit: int = BODY_LIMIT) -> list[str]:
    """Long texts as several messages, cut at line ends where possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts
