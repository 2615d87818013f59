"""A person on WhatsApp: types into Twilio's signed webhook over HTTP, reads what Twilio was asked
to send. Same interface as `TelegramUser`, so a conversation test is written once for both."""

from __future__ import annotations

import re

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render.choices import Choices, Option, Press
from bot.whatsapp.chats import load_choices, save_choices
from bot.whatsapp.web import SIGNATURE_HEADER, WHATSAPP_PATH
from services.channels import Channel
from tests.standins.twilio_api import SentMessage, TwilioStandIn

OPTION = re.compile(r"^(\d+)\. (.*)$")
ALERT_PREFIXES = ("⚠️ ", "💬 ")


class WhatsAppUser:
    channel = Channel.WHATSAPP

    def __init__(
        self,
        twilio: TwilioStandIn,
        local_url: str,
        public_url: str,
        sessions: async_sessionmaker[AsyncSession],
        number: int,
        first_name: str,
    ) -> None:
        self.twilio, self.local_url, self.public_url = twilio, local_url, public_url
        self.sessions = sessions
        self.id, self.first_name = number, first_name
        self.address = f"whatsapp:+{number}"
        # WhatsApp does not tell a newcomer's language: replies are in Kazakh until they choose.
        self.newcomer_locale = "kk"
        self.statuses: list[int] = []

    @property
    def external_id(self) -> str:
        return str(self.id)

    async def post(self, form: dict[str, str], *, signature: str | None = None) -> int:
        """Posts as Twilio would: signed over the public URL, sent to the local server."""
        signed = signature
        if signed is None:
            signed = self.twilio.signature(self.public_url + WHATSAPP_PATH, form)
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.local_url + WHATSAPP_PATH, data=form, headers={SIGNATURE_HEADER: signed}
            ) as response,
        ):
            self.statuses.append(response.status)
            return response.status

    def form(self, text: str, **extra: str) -> dict[str, str]:
        return self.twilio.incoming_form(self.address, text, profile_name=self.first_name, **extra)

    async def send(self, text: str) -> None:
        status = await self.post(self.form(text))
        assert status == 200, f"the webhook answered {status}"

    async def press(self, label: str) -> None:
        """Pick the option whose text contains `label`: tap its button, or type its number."""
        for number, text in self.options():
            if label in text:
                if self._latest_with_options().content_sid:
                    await self.tap(label)
                else:
                    await self.send(str(number))
                return
        raise AssertionError(f"no option {label!r} in {self.buttons()}")

    async def tap(self, label: str) -> None:
        """Tap the quick-reply button whose title contains `label`, as WhatsApp sends it."""
        sent = next(m for m in reversed(self.messages()) if m.content_sid)
        buttons = {title: number for number, title in _buttons(sent)}
        title = next((title for title in buttons if label in title), None)
        assert title is not None, f"no button {label!r} in {list(buttons)}"
        form = self.form(title, ButtonText=title, ButtonPayload=str(buttons[title]))
        assert await self.post(form) == 200

    async def press_data(self, data: str) -> None:
        """An option from an older message (stale or forged) picked by number.

        The options open before it come back afterwards unless the bot offered new ones, as if
        the person had answered an older message.
        """
        forged = Choices((Option(1, "old option", Press(data)),), "inline", 1).to_dict()
        async with self.sessions() as session:
            before = await load_choices(session, self.external_id)
            await save_choices(session, self.external_id, forged)
            await session.commit()
        await self.send("1")
        async with self.sessions() as session:
            if await load_choices(session, self.external_id) == forged:
                await save_choices(session, self.external_id, before)
                await session.commit()

    def messages(self) -> list[SentMessage]:
        return self.twilio.messages(self.address)

    def bodies(self) -> list[str]:
        """Each message's text as the person reads it (a quick reply's body is a variable)."""
        return [m.body or m.content_variables.get("1", "") for m in self.messages()]

    def texts(self) -> list[str]:
        """What the bot said to me, without the numbered options and without alerts."""
        return [_without_options(b) for b in self.bodies() if not b.startswith(ALERT_PREFIXES)]

    @property
    def last_text(self) -> str:
        texts = self.texts()
        assert texts, "the bot sent me nothing"
        return texts[-1]

    def options(self) -> list[tuple[int, str]]:
        return _options(self._latest_with_options())

    def _latest_with_options(self) -> SentMessage:
        for message in reversed(self.messages()):
            if _options(message):
                return message
        raise AssertionError("the bot offered me no options")

    def buttons(self) -> list[str]:
        return [text for _, text in self.options()]

    def alerts(self) -> list[str]:
        return [b[len("⚠️ ") :] for b in self.bodies() if b.startswith("⚠️ ")]

    async def fetch_media(self, url: str) -> tuple[int, bytes]:
        """Fetches a media link as Twilio would; the public address maps to the local server."""
        local = url.replace(self.public_url, self.local_url, 1)
        async with aiohttp.ClientSession() as http, http.get(local) as response:
            return response.status, await response.read()

    async def document(self) -> tuple[str, bytes, str]:
        sent = next(m for m in reversed(self.messages()) if m.media_urls)
        url = sent.media_urls[0]
        status, body = await self.fetch_media(url)
        assert status == 200, f"media link answered {status}"
        filename = url.split("?")[0].rsplit("/", 1)[-1]
        return filename, body, sent.body or ""


def _options(message: SentMessage) -> list[tuple[int, str]]:
    if message.content_sid:
        return _buttons(message)
    found = [_option(line) for line in (message.body or "").splitlines()]
    return [o for o in found if o is not None]


def _buttons(message: SentMessage) -> list[tuple[int, str]]:
    """Quick-reply buttons: variable "2" is the title of option 1, and so on."""
    variables = message.content_variables
    return [
        (int(k) - 1, v) for k, v in sorted(variables.items(), key=lambda kv: int(kv[0])) if k != "1"
    ]


def _option(line: str) -> tuple[int, str] | None:
    match = OPTION.match(line)
    return (int(match.group(1)), match.group(2)) if match else None


def _without_options(body: str) -> str:
    text, _, last = body.rpartition("\n\n")
    if text and last and all(_option(line) for line in last.splitlines()):
        return text
    return body
