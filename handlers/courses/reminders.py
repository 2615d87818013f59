"""Texts of session reminders, in the reader's language (the tick renders each once)."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from handlers.common.fmt import local_datetime
from services.courses.reminders import DAY_BEFORE, SOON
from services.hooks import Due, Renderer


def render_day_before(due: Due) -> dict[str, Any]:
    p = due.params
    return {
        "text": _(
            "Tomorrow, {when}: session {number} of «{title}».\nLink: {url}\n"
            "To check in, send /checkin and the code word the trainer gives."
        ).format(
            when=local_datetime(p["at"], due.locale),
            number=p["number"],
            title=p["title"],
            url=p["url"],
        )
    }


def render_soon(due: Due) -> dict[str, Any]:
    p = due.params
    return {
        "text": _(
            "In 15 minutes ({when}): session {number} of «{title}».\nJoin: {url}\n"
            "To check in, send /checkin and the code word the trainer gives."
        ).format(
            when=local_datetime(p["at"], due.locale),
            number=p["number"],
            title=p["title"],
            url=p["url"],
        )
    }


RENDERERS: dict[str, Renderer] = {DAY_BEFORE: render_day_before, SOON: render_soon}
