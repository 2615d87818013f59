"""Local stand-in for the Telegram Bot API, for tests and benchmarks.

An aiohttp server on 127.0.0.1 that aiogram talks to through::

    session = AiohttpSession(api=TelegramAPIServer.from_base(standin.base_url))
    bot = Bot("42:TEST", session=session)

Every request is recorded (see :class:`RecordedRequest`); failures and rate limits can be
injected with :meth:`TelegramStandIn.fail_next` and :meth:`TelegramStandIn.set_rate_limit`;
updates for ``getUpdates`` long polling are queued with :meth:`TelegramStandIn.push_update`.
A slow network is :attr:`TelegramStandIn.latency`; :attr:`TelegramStandIn.on_request` sees (and
may delay or hold) each request before it is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

__all__ = ["RecordedRequest", "TelegramStandIn"]

# Form fields that aiogram sends as JSON-encoded strings; decoded in RecordedRequest.params.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "media",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "menu_button",
        "message_ids",
        "options",
        "results",
    }
)
# Form fields converted to int when they hold an integer string.
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "user_id",
        "message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
    }
)

# send* methods that do not produce a message.
_NON_MESSAGE_SENDS = frozenset(
    {
        "sendchataction",
        "sendchatjoinrequestwebapp",
        "sendgift",
        "sendmessagedraft",
        "sendrichmessagedraft",
        "sendmediagroup",
    }
)
_MEDIA_KINDS = {
    "senddocument": "document",
    "sendphoto": "photo",
    "sendvideo": "video",
    "sendaudio": "audio",
    "sendvoice": "voice",
    "sendanimation": "animation",
}
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_MAX_BODY = 64 * 1024 * 1024


@dataclass
class RecordedRequest:
    """One request received by the stand-in."""

    method: str
    """Bot API method name, lowercase (``"sendmessage"``)."""
    token: str
    params: dict[str, Any]
    """Form fields. JSON fields (``reply_markup``, ``commands``, ...) are decoded; id-like
    integer fields (``chat_id``, ``message_id``, ...) are ints; everything else is a string."""
    files: dict[str, tuple[str, bytes]]
    """Multipart file parts: field name -> (filename, content)."""
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int = 0
    """HTTP status answered (0 while a long poll is still pending)."""

    def attachment(self, param: str) -> tuple[str, bytes] | None:
        """The uploaded file referenced by ``params[param]`` (``"attach://<field>"``)."""
        value = self.params.get(param)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return self.files.get(param)


@dataclass
class _Failure:
    method: str | None
    chat_id: int | None
    status: int
    retry_after: int | None
    description: str
    remaining: int

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.method is None:
            # Untargeted failures never hit long polling, which runs in the background.
            if method == "getupdates":
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class _RateLimit:
    per_second: float | None
    per_chat_per_second: float | None
    retry_after: int
    window: deque[float] = field(default_factory=deque)
    last_by_chat: dict[Any, float] = field(default_factory=dict)


class _APIError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _is_rate_limited(method: str) -> bool:
    if method.startswith("send"):
        return method not in _NON_MESSAGE_SENDS or method == "sendmediagroup"
    return method in {"copymessage", "copymessages", "forwardmessage", "forwardmessages"}


def _normalise(key: str, value: str) -> Any:
    if key in INT_FIELDS:
        with contextlib.suppress(ValueError):
            return int(value)
        return value
    if key in JSON_FIELDS and value[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


class TelegramStandIn:
    """In-process fake of ``api.telegram.org``."""

    def __init__(self, bot_username: str = "qamqor_test_bot", bot_id: int = 7000000001) -> None:
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.base_url = ""
        self.requests: list[RecordedRequest] = []
        self.too_many_requests = 0
        self.latency = 0.0
        """Seconds every method but ``getUpdates`` waits before it is answered (0: at once)."""
        self.on_request: Callable[[RecordedRequest], Awaitable[None]] | None = None
        """Awaited with each request (params parsed, status still 0) before it is answered:
        to observe the caller at that moment, or to delay or hold the answer."""
        self._failures: list[_Failure] = []
        self._rate_limit: _RateLimit | None = None
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 1
        self._next_file_id = 1
        self._usernames: dict[str, int] = {}
        self._stored: dict[str, bytes] = {}  # file_id -> content, for getFile and /file/
        self._wakeup = asyncio.Event()
        self._activity = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT``)."""
        if self._runner is not None:
            return self.base_url
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._closing = False
        bound_port = int(runner.addresses[0][1]) if runner.addresses else port
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def close(self) -> None:
        """Stop serving; pending long polls answer ``[]``."""
        self._closing = True
        self._wake_pollers()
        runner, self._runner = self._runner, None
        if runner is not None:
            await asyncio.sleep(0)  # let woken long polls write their answers
            await runner.cleanup()

    async def __aenter__(self) -> TelegramStandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None, chat_id: int | None = None) -> list[RecordedRequest]:
        """Successful (HTTP 200) requests, optionally filtered by method and chat_id."""
        wanted = method.lower() if method is not None else None
        return [
            r
            for r in self.requests
            if r.status == 200
            and (wanted is None or r.method == wanted)
            and (chat_id is None or r.params.get("chat_id") == chat_id)
        ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Text/caption of successful send*/edit* calls, in order."""
        texts: list[str] = []
        for r in self.calls(chat_id=chat_id):
            if not r.method.startswith(("send", "edit")):
                continue
            for key in ("text", "caption"):
                value = r.params.get(key)
                if isinstance(value, str):
                    texts.append(value)
            media = r.params.get("media")
            if r.method == "sendmediagroup" and isinstance(media, list):
                texts.extend(m["caption"] for m in media if isinstance(m, dict) and "caption" in m)
        return texts

    async def wait_for(
        self, method: str, *, count: int = 1, chat_id: int | None = None
    ) -> list[RecordedRequest]:
        """Wait until at least ``count`` successful matching calls were recorded.

        Does not time out by itself; wrap it in ``asyncio.timeout(...)``.
        """
        while len(found := self.calls(method, chat_id)) < count:
            event = self._activity
            await event.wait()
        return found

    def clear(self) -> None:
        """Forget recorded requests and reset the 429 counter."""
        self.requests.clear()
        self.too_many_requests = 0

    # ------------------------------------------------------------------ behaviour control

    def fail_next(
        self,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with an error.

        ``method=None`` matches every method except ``getUpdates``. A 429 without
        ``retry_after`` uses ``retry_after=1``.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        self._failures.append(
            _Failure(
                method=method.lower() if method is not None else None,
                chat_id=chat_id,
                status=status,
                retry_after=retry_after,
                description=description,
                remaining=times,
            )
        )

    def set_rate_limit(
        self,
        *,
        per_second: float | None,
        per_chat_per_second: float | None = None,
        retry_after: int = 1,
    ) -> None:
        """Limit message-sending methods; excess requests get 429.

        ``per_second``: at most this many accepted sends in any sliding one-second window.
        ``per_chat_per_second``: minimum interval ``1 / value`` between sends to one chat.
        Both ``None`` disables limiting.
        """
        if per_second is None and per_chat_per_second is None:
            self._rate_limit = None
        else:
            self._rate_limit = _RateLimit(per_second, per_chat_per_second, retry_after)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for ``getUpdates``; assigns ``update_id`` if missing."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._updates.append(update)
        self._wake_pollers()

    # ------------------------------------------------------------------ HTTP handlers

    def store_file(self, content: bytes, file_name: str) -> dict[str, Any]:
        """A file a user sends: kept so that getFile and the file download serve it; returns
        the ``document`` object of the user's message."""
        file_id = self._new_file_id()
        self._stored[file_id] = content
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "file_size": len(content),
        }

    async def _handle_file(self, request: web.Request) -> web.Response:
        content = self._stored.get(request.match_info["path"])
        if content is None or request.match_info["token"] not in self._tokens():
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=content, content_type="application/octet-stream")

    def _tokens(self) -> set[str]:
        """Tokens the bot has called methods with: a file is served only to them."""
        return {r.token for r in self.requests}

    async def _handle_method(self, request: web.Request) -> web.Response:
        record = RecordedRequest(
            method=request.match_info["method"].lower(),
            token=request.match_info["token"],
            params={},
            files={},
            at=time.monotonic(),
        )
        self.requests.append(record)
        try:
            await self._parse(request, record)
            if self.on_request is not None:
                await self.on_request(record)
            if self.latency > 0 and record.method != "getupdates":
                await asyncio.sleep(self.latency)
            self._check_failures(record)
            self._check_rate_limit(record)
            result = await self._dispatch(record)
        except _APIError as error:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            if error.status == 429:
                self.too_many_requests += 1
            record.status = error.status
            response = web.json_response(body, status=error.status)
        else:
            record.status = 200
            response = web.json_response({"ok": True, "result": result})
        self._signal_activity()
        return response

    async def _parse(self, request: web.Request, record: RecordedRequest) -> None:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as e:
                raise _APIError(400, "Bad Request: can't parse JSON") from e
            if isinstance(body, dict):
                raw.update(body)
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    record.files[key] = (value.filename, value.file.read())
                else:
                    raw[key] = value
        record.params = {k: _normalise(k, v) if isinstance(v, str) else v for k, v in raw.items()}

    def _check_failures(self, record: RecordedRequest) -> None:
        chat_id = record.params.get("chat_id")
        for failure in self._failures:
            if failure.matches(record.method, chat_id):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                raise _APIError(failure.status, failure.description, failure.retry_after)

    def _check_rate_limit(self, record: RecordedRequest) -> None:
        limit = self._rate_limit
        if limit is None or not _is_rate_limited(record.method):
            return
        now = time.monotonic()
        while limit.window and now - limit.window[0] >= 1.0:
            limit.window.popleft()
        chat_id = record.params.get("chat_id")
        too_many = limit.per_second is not None and len(limit.window) >= limit.per_second
        if not too_many and limit.per_chat_per_second and chat_id in limit.last_by_chat:
            interval = 1.0 / limit.per_chat_per_second
            too_many = now - limit.last_by_chat[chat_id] < interval
        if too_many:
            raise _APIError(
                429, f"Too Many Requests: retry after {limit.retry_after}", limit.retry_after
            )
        limit.window.append(now)
        limit.last_by_chat[chat_id] = now

    # ------------------------------------------------------------------ results

    async def _dispatch(self, record: RecordedRequest) -> Any:
        method, params = record.method, record.params
        if method == "getme":
            return self._bot_user(full=True)
        if method == "getupdates":
            return await self._get_updates(params)
        if method == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getmycommands":
            return []
        if method == "getfile":
            file_id = str(params.get("file_id", ""))
            result: dict[str, Any] = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_path": file_id,
            }
            if file_id in self._stored:
                result["file_size"] = len(self._stored[file_id])
            return result
        if method == "copymessage":
            return {"message_id": self._new_message_id()}
        if method in ("copymessages", "forwardmessages"):
            ids = params.get("message_ids")
            n = len(ids) if isinstance(ids, list) else 1
            return [{"message_id": self._new_message_id()} for _ in range(n)]
        if method == "sendmediagroup":
            return self._media_group(record)
        if method.startswith("editmessage") or method == "stopmessagelivelocation":
            if "inline_message_id" in params:
                return True
            return self._message(record, edited=True)
        if method == "forwardmessage" or (
            method.startswith("send") and method not in _NON_MESSAGE_SENDS
        ):
            return self._message(record)
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = params.get("limit")
        timeout = params.get("timeout")
        limit = limit if isinstance(limit, int) and limit > 0 else 100
        deadline = time.monotonic() + (timeout if isinstance(timeout, int) else 0)
        while True:
            if isinstance(offset, int):
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if self._closing:
                return []
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0:
                return self._updates[:limit]
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)

    def _wake_pollers(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _signal_activity(self) -> None:
        self._activity.set()
        self._activity = asyncio.Event()

    def _bot_user(self, *, full: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Qamqor",
            "username": self.bot_username,
        }
        if full:
            user.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return user

    def _new_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _new_file_id(self) -> str:
        file_id = f"FILE{self._next_file_id}"
        self._next_file_id += 1
        return file_id

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int):
            return {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        username = str(chat_id).lstrip("@")
        fake_id = self._usernames.setdefault(username, -1001000000000 - len(self._usernames))
        return {"id": fake_id, "type": "channel", "username": username}

    def _message(self, record: RecordedRequest, *, edited: bool = False) -> dict[str, Any]:
        params = record.params
        now = int(time.time())
        message_id = params.get("message_id") if edited else None
        message: dict[str, Any] = {
            "message_id": message_id if isinstance(message_id, int) else self._new_message_id(),
            "date": now,
            "chat": self._chat(params.get("chat_id", 0)),
            "from": self._bot_user(),
        }
        if edited:
            message["edit_date"] = now
        for key in ("text", "caption"):
            if isinstance(params.get(key), str):
                message[key] = params[key]
        for key in ("entities", "caption_entities"):
            if isinstance(params.get(key), list):
                message[key] = params[key]
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        kind = _MEDIA_KINDS.get(record.method)
        if kind is not None:
            message[kind] = self._media(kind, record.params.get(kind), record.attachment(kind))
        return message

    def _media(self, kind: str, ref: Any, upload: tuple[str, bytes] | None) -> Any:
        file_id = self._new_file_id() if upload is not None or not isinstance(ref, str) else ref
        media: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        if upload is not None:
            media["file_size"] = len(upload[1])
            if kind != "photo" and kind != "voice":
                media["file_name"] = upload[0]
        if kind in ("video", "animation", "photo"):
            media.update(width=640, height=480)
        if kind in ("video", "animation", "audio", "voice"):
            media["duration"] = 1
        return [media] if kind == "photo" else media

    def _media_group(self, record: RecordedRequest) -> list[dict[str, Any]]:
        items = record.params.get("media")
        if not isinstance(items, list):
            raise _APIError(400, "Bad Request: media must be a non-empty array")
        group_id = str(self._next_message_id)
        messages: list[dict[str, Any]] = []
        for item in items:
            item = item if isinstance(item, dict) else {}
            kind = str(item.get("type", "document"))
            ref = item.get("media")
            upload = None
            if isinstance(ref, str) and ref.startswith("attach://"):
                upload = record.files.get(ref.removeprefix("attach://"))
            message: dict[str, Any] = {
                "message_id": self._new_message_id(),
                "date": int(time.time()),
                "chat": self._chat(record.params.get("chat_id", 0)),
                "from": self._bot_user(),
                "media_group_id": group_id,
                kind: self._media(kind, ref, upload),
            }
            if isinstance(item.get("caption"), str):
                message["caption"] = item["caption"]
            messages.append(message)
        return messages
