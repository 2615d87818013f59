"""Handlers' Bot API calls as WhatsApp messages: text with numbered options, documents as links.

The Bot that handlers get on WhatsApp is an aiogram Bot over a `ScreenSession`: every call is
rendered as WhatsApp shows it (`bot.textui`), sent through Twilio, and answered with a plausible
result. The options a message offers are stored per number, so a reply "2" can become the button.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile, URLInputFile
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox.couriers import PermanentFailure
from bot.render.choices import Choices, Style
from bot.render.screen_session import CallResults, ScreenSession, as_int
from bot.render.textui import Rendered, next_choices, plain_text, render
from bot.whatsapp.address import address_of
from bot.whatsapp.chats import load_choices, save_choices
from bot.whatsapp.gateway import Gateway, split_body
from bot.whatsapp.media import MediaLinks
from bot.whatsapp.media_store import store_media
from bot.whatsapp.quick_replies import QuickReplyTemplates, quick_reply
from storage.base import utcnow

log = logging.getLogger(__name__)

# aiogram wants a bot id and token; this one can never be a real Telegram bot's.
BOT_ID = 1
BOT_TOKEN = f"{BOT_ID}:WHATSAPP-THROUGH-TWILIO"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Qamqor", "username": "qamqor"}


class WhatsAppChannel:
    def __init__(
        self,
        gateway: Gateway,
        session_factory: async_sessionmaker[AsyncSession],
        media: MediaLinks,
        *,
        media_ttl: timedelta,
        status_callback: str | None = None,
        quick_replies: QuickReplyTemplates | None = None,
    ) -> None:
        self.gateway = gateway
        self.sessions = session_factory
        self.media = media
        self.media_ttl = media_ttl
        self.status_callback = status_callback
        self.quick_replies = quick_replies or {}
        self.results = CallResults(BOT_USER)
        self.bot = Bot(
            BOT_TOKEN,
            session=ScreenSession(self.answer),
            default=DefaultBotProperties(link_preview_is_disabled=True),
        )

    async def answer(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        raw, message_id = self.results.result(method)
        rendered = render(method, Style.WHATSAPP, parse_mode=bot.default.parse_mode)
        chat = _chat_of(method, rendered)
        if rendered is None or chat is None:
            return raw  # nothing a person sees (menus, typing...)
        media_urls = await self._media(method, str(chat))
        body = _caption(method, bot.default.parse_mode) if media_urls else None
        await self.deliver(str(chat), rendered, message_id, body=body, media_urls=media_urls)
        return raw

    async def deliver(
        self,
        address: str,
        rendered: Rendered,
        message_id: int | None,
        *,
        body: str | None = None,
        media_urls: Sequence[str] = (),
        status_callback: str | None = None,
    ) -> list[str]:
        """Send what `rendered` shows to the number and remember its options; the MessageSids."""
        quick = quick_reply(rendered, self.quick_replies) if body is None else None
        if quick is not None:
            content_sid, variables = quick
            try:
                sid = await self.gateway.send(
                    address_of(address),
                    content_sid=content_sid,
                    variables=variables,
                    status_callback=status_callback,
                )
            except PermanentFailure as error:
                # A template gone or misconfigured must not cost the person the message.
                log.warning("quick reply refused (%s): sending numbered options", error)
            else:
                await self._remember(address, rendered, message_id)
                return [sid]
        text = rendered.text if body is None else body
        # Removing a message's buttons shows nothing new: WhatsApp gets no empty message.
        parts = split_body(text) or ([""] if media_urls else [])
        sids = []
        for index, part in enumerate(parts):
            sids.append(
                await self.gateway.send(
                    address_of(address),
                    body=part,
                    media_urls=media_urls if index == 0 else (),
                    status_callback=status_callback,
                )
            )
        await self._remember(address, rendered, message_id)
        return sids

    async def _remember(self, address: str, rendered: Rendered, message_id: int | None) -> None:
        """Store the options the person may now answer with, in a short commit of our own:
        the update's session has no transaction open while a handler replies."""
        try:
            async with self._committed() as session:
                await _update_choices(session, address, rendered, message_id)
        except SQLAlchemyError:
            # The message is out already; failing here would only get it sent twice.
            log.exception("could not store the options sent to %s", address)

    async def _media(self, method: TelegramMethod[Any], address: str) -> list[str]:
        file = (
            method.document
            if isinstance(method, SendDocument)
            else method.photo
            if isinstance(method, SendPhoto)
            else None
        )
        if isinstance(file, URLInputFile):
            return [file.url]
        if not isinstance(file, BufferedInputFile):
            return []
        name = file.filename or "file"
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # Twilio fetches the file as soon as it gets the message: it must be committed first.
        async with self._committed() as session:
            token, expires_at = await store_media(
                session, address, name, content_type, file.data, now=utcnow(), ttl=self.media_ttl
            )
        return [self.media.url(token, name, expires_at)]

    @contextlib.asynccontextmanager
    async def _committed(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as own:
            yield own
            await own.commit()

    async def close(self) -> None:
        await self.gateway.close()


async def _update_choices(
    session: AsyncSession, address: str, rendered: Rendered, message_id: int | None
) -> None:
    stored = await load_choices(session, address)
    current = Choices.from_dict(stored) if stored else None
    choices = next_choices(current, rendered)
    if rendered.choices is not None and choices is not None:
        choices = choices.on_message(message_id)
    if choices != current:
        await save_choices(session, address, choices.to_dict() if choices else None)


def _chat_of(method: TelegramMethod[Any], rendered: Rendered | None) -> int | None:
    if rendered is not None and rendered.chat_id is not None:
        return as_int(rendered.chat_id) or None
    if isinstance(method, AnswerCallbackQuery):
        # Our callback query ids start with the number they came from (see bot.whatsapp.inbound).
        number = method.callback_query_id.partition(":")[0]
        return int(number) if number.isdigit() else None
    return None


def _caption(method: TelegramMethod[Any], parse_mode: str | None) -> str:
    caption = getattr(method, "caption", None) or ""
    mode = getattr(method, "parse_mode", None)
    return plain_text(caption, mode if isinstance(mode, str) else parse_mode)
