"""What the console's `:state`, `:outbox` and `:tick` show: plain text for the developer."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from aiogram.methods import SendMessage

from bot.outbox.couriers import DeliveryError, telegram_message
from bot.render.choices import Style
from bot.render.textui import render
from bot.state.snapshot import Snapshot
from handlers.common.fmt import ALMATY
from services.channels import Channel
from services.messaging.listing import OutboxEntry

MOMENT = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})$")
STYLES = {Channel.TELEGRAM: Style.TELEGRAM, Channel.WHATSAPP: Style.WHATSAPP}


def local(moment: datetime) -> str:
    return moment.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M")


def tick_moment(typed: str, now: datetime) -> datetime:
    """`:tick`'s argument as a UTC moment: nothing is now; `07:30` the next 07:30 in Almaty
    (today, or tomorrow once it has passed); `2026-11-26 07:30` that moment. ValueError else."""
    typed = typed.strip()
    if not typed:
        return now
    found = MOMENT.match(typed)
    if found is None:
        raise ValueError(typed)
    day, hour, minute = found.groups()
    at = time(int(hour), int(minute))
    if day is not None:
        return datetime.combine(date.fromisoformat(day), at, ALMATY).astimezone(now.tzinfo)
    moment = datetime.combine(now.astimezone(ALMATY).date(), at, ALMATY)
    if moment < now:
        moment += timedelta(days=1)
    return moment.astimezone(now.tzinfo)


def state_lines(snapshot: Snapshot) -> list[str]:
    if snapshot.empty:
        return ["no conversation under way (state and data empty)"]
    data = json.dumps(snapshot.data, ensure_ascii=False, indent=2, default=str)
    return [f"state: {snapshot.state}", f"data: {data}"]


def outbox_lines(entries: list[OutboxEntry]) -> list[str]:
    """Each row with its status, then its text as the recipient's messenger shows it."""
    if not entries:
        return ["the outbox is empty"]
    lines = []
    for entry in entries:
        channel = Channel(entry.channel)
        when = f"sent {local(entry.sent_at)}" if entry.sent_at else f"due {local(entry.not_before)}"
        lines.append(
            f"#{entry.id} {entry.status} · {entry.kind} → {entry.recipient} "
            f"({channel.value} {entry.external_id}) · {when}"
        )
        if entry.last_error:
            lines.append(f"   last error: {entry.last_error}")
        lines.extend(f"   │ {line}" for line in seen_as(entry, STYLES[channel]).splitlines())
    return lines


def seen_as(entry: OutboxEntry, style: Style) -> str:
    """The row's payload as the courier would send it, rendered for its channel."""
    try:
        text, markup = telegram_message(entry.payload)
    except DeliveryError as error:
        return f"(cannot be sent: {error})"
    method = SendMessage(chat_id=int(entry.external_id), text=text, reply_markup=markup)
    rendered = render(method, style)
    return rendered.text if rendered is not None else ""


def shown_path(path: Path) -> str:
    """Relative to the working directory when it is under it, as the developer typed paths."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
