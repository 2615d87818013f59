"""Local stand-in for Twilio's Messages API (WhatsApp sending), for tests and benchmarks.

An aiohttp server on 127.0.0.1 that the real twilio SDK talks to after
``client.api.base_url = standin.base_url``. Only ``POST .../Messages.json`` is served: it is
all the bot sends. Sends are recorded (:class:`SentMessage`, :class:`RecordedRequest`);
refusals are injected with ``fail_next``/``set_rate_limit``. Signatures come from the SDK's
own ``RequestValidator``, so the bot's webhook checks run exactly as against Twilio.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

__all__ = ["RecordedRequest", "SentMessage", "TwilioStandIn"]

API_VERSION = "2010-04-01"
ACCOUNT_SID = "AC" + "0" * 32
SANDBOX_NUMBER = "whatsapp:+14155238886"

# Twilio's wording for the codes tests usually inject, so fail_next() needs no message.
_MESSAGES = {
    20003: "Authenticate",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    21619: "A text message body or media urls must be specified",
    63016: "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template.",
    63018: "Rate limit exceeded for Channel",
}


@dataclass(frozen=True)
class SentMessage:
    """A message the stand-in accepted (answered 201)."""

    sid: str
    to: str
    from_: str
    body: str
    media_urls: tuple[str, ...]
    content_sid: str | None
    content_variables: dict[str, str]
    status_callback: str | None
    at: float
    """``time.monotonic()`` when the request arrived."""


@dataclass
class RecordedRequest:
    """One request received, accepted or refused; ``form`` has a list per field because
    ``MediaUrl`` repeats; ``status`` is the HTTP status answered."""

    path: str
    form: dict[str, list[str]]
    status: int
    at: float


class _APIError(Exception):
    """A refusal in Twilio's legacy error shape, which the SDK raises as TwilioRestException."""

    def __init__(self, status: int, code: int, message: str | None = None) -> None:
        message = message or _MESSAGES.get(code, f"Error {code}")
        super().__init__(message)
        self.status = status
        info = f"https://www.twilio.com/docs/errors/{code}"
        self.body = {"code": code, "message": message, "more_info": info, "status": status}


@dataclass
class _Failure:
    error: _APIError
    to: str | None
    remaining: int


class TwilioStandIn:
    """In-process fake of ``api.twilio.com`` for the Messages resource."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = "test-auth-token") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url = ""
        self.requests: list[RecordedRequest] = []
        self.sent: list[SentMessage] = []
        self.rate_limited = 0
        """How many sends :meth:`set_rate_limit` refused with 429."""
        self._failures: list[_Failure] = []
        self._per_second: float | None = None
        self._window: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT``)."""
        if self._runner is None:
            app = web.Application()
            app.router.add_post(f"/{API_VERSION}/Accounts/{{sid}}/Messages.json", self._create)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            self._runner, self._session = runner, aiohttp.ClientSession()
            self.base_url = f"http://{host}:{runner.addresses[0][1]}"
        return self.base_url

    async def close(self) -> None:
        """Stop serving and close the session used for status callbacks."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> TwilioStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def messages(self, to: str | None = None) -> list[SentMessage]:
        """Accepted messages in order, optionally only those sent ``to`` one address."""
        return [m for m in self.sent if to is None or m.to == to]

    def bodies(self, to: str | None = None) -> list[str]:
        """Bodies of accepted messages in order."""
        return [m.body for m in self.messages(to)]

    def clear(self) -> None:
        """Forget recorded requests and messages and reset :attr:`rate_limited`."""
        self.requests.clear()
        self.sent.clear()
        self.rate_limited = 0

    def fail_next(
        self,
        status: int,
        code: int,
        message: str | None = None,
        *,
        times: int = 1,
        to: str | None = None,
    ) -> None:
        """Refuse the next ``times`` well-formed sends (only those ``to`` one address if set),
        e.g. 429/20429, 400/63016 (outside the 24h window), 400/63018, 500/20500; ``message``
        defaults to Twilio's wording. Refused sends are not recorded as :class:`SentMessage`."""
        self._failures.append(_Failure(_APIError(status, code, message), to, times))

    def set_rate_limit(self, per_second: float | None) -> None:
        """Accept at most ``per_second`` sends in any sliding one-second window; the rest
        get 429/20429 and are counted in :attr:`rate_limited`. ``None`` disables it."""
        self._per_second = per_second
        self._window.clear()

    def signature(self, url: str, form: dict[str, str]) -> str:
        """``X-Twilio-Signature`` for ``form`` POSTed to ``url``, as Twilio computes it."""
        return str(RequestValidator(self.auth_token).compute_signature(url, form))

    def incoming_form(
        self,
        from_: str,
        body: str,
        *,
        to: str = SANDBOX_NUMBER,
        message_sid: str | None = None,
        profile_name: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """Fields of Twilio's inbound WhatsApp message webhook; sign with :meth:`signature`."""
        sid = message_sid or "SM" + secrets.token_hex(16)
        form = dict.fromkeys(("MessageSid", "SmsMessageSid", "SmsSid"), sid)
        form |= {"AccountSid": self.account_sid, "From": from_, "To": to, "Body": body}
        form |= {"NumMedia": "0", "NumSegments": "1", "SmsStatus": "received"}
        form |= {"WaId": from_.removeprefix("whatsapp:+"), "ApiVersion": API_VERSION}
        if profile_name is not None:
            form["ProfileName"] = profile_name
        return form | extra

    async def send_status(
        self,
        message: SentMessage,
        status: str,
        error_code: int | None = None,
        *,
        url: str | None = None,
    ) -> int:
        """POST a signed status callback for ``message`` to ``url`` or its StatusCallback;
        returns the HTTP status the receiver answered."""
        target = url or message.status_callback
        if target is None or self._session is None:
            raise RuntimeError("no status callback URL, or the stand-in is not started")
        form = dict.fromkeys(("MessageSid", "SmsSid"), message.sid)
        form |= dict.fromkeys(("MessageStatus", "SmsStatus"), status)
        form |= {"AccountSid": self.account_sid, "To": message.to, "From": message.from_}
        form |= {"ChannelPrefix": "whatsapp", "ApiVersion": API_VERSION}
        if error_code is not None:
            form["ErrorCode"] = str(error_code)
        headers = {"X-Twilio-Signature": self.signature(target, form)}
        async with self._session.post(target, data=form, headers=headers) as response:
            await response.read()
            return response.status

    async def _create(self, request: web.Request) -> web.Response:
        form: dict[str, list[str]] = {}
        for key, value in (await request.post()).items():
            form.setdefault(key, []).append(value if isinstance(value, str) else "")
        record = RecordedRequest(request.path, form, 0, time.monotonic())
        self.requests.append(record)
        try:
            expected_auth = aiohttp.encode_basic_auth(self.account_sid, self.auth_token)
            if request.match_info["sid"] != self.account_sid or (
                request.headers.get("Authorization") != expected_auth
            ):
                raise _APIError(401, 20003)
            message = self._parse(record)
            self._admit(message.to, record.at)
        except _APIError as error:
            record.status = error.status
            return web.json_response(error.body, status=error.status)
        self.sent.append(message)
        record.status = 201
        return web.json_response(self._resource(message), status=201)

    def _parse(self, record: RecordedRequest) -> SentMessage:
        def one(key: str) -> str | None:
            return record.form.get(key, [None])[0]

        to, from_, body = one("To"), one("From"), one("Body") or ""
        media, content_sid = record.form.get("MediaUrl", []), one("ContentSid")
        if not to or not from_:
            raise _APIError(400, 21604, "A 'To' and a 'From' phone number are required.")
        if not (body or media or content_sid):
            raise _APIError(400, 21619)
        try:
            variables = json.loads(one("ContentVariables") or "{}")
        except ValueError:
            variables = None
        if not isinstance(variables, dict):
            raise _APIError(400, 21656, "The ContentVariables Parameter is invalid")
        sid, callback = "SM" + secrets.token_hex(16), one("StatusCallback")
        variables = {str(k): str(v) for k, v in variables.items()}
        return SentMessage(
            sid, to, from_, body, tuple(media), content_sid, variables, callback, record.at
        )

    def _admit(self, to: str, now: float) -> None:
        """Apply injected failures first, then the sliding-window rate limit."""
        for failure in self._failures:
            if failure.to is None or failure.to == to:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                raise failure.error
        if self._per_second is not None:
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self._per_second:
                self.rate_limited += 1
                raise _APIError(429, 20429)
            self._window.append(now)

    def _resource(self, message: SentMessage) -> dict[str, Any]:
        """The Message resource as Twilio answers a create, enough for ``MessageInstance``."""
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message.sid}"
        now = format_datetime(datetime.now(UTC))
        nulls = ("messaging_service_sid", "date_sent", "price", "error_code", "error_message")
        resource: dict[str, Any] = dict.fromkeys(nulls)
        resource |= {"sid": message.sid, "account_sid": self.account_sid, "status": "queued"}
        resource |= {"to": message.to, "from": message.from_, "body": message.body}
        resource |= {"direction": "outbound-api", "api_version": API_VERSION, "num_segments": "1"}
        resource |= {"date_created": now, "date_updated": now, "uri": f"{uri}.json"}
        resource["num_media"] = str(len(message.media_urls))
        resource["subresource_uris"] = {"media": f"{uri}/Media.json"}
        return resource
