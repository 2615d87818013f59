"""Unexpected failures: logged with the update, and the person told to try again."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

router = Router(name=__name__)
log = logging.getLogger(__name__)


@router.errors()
async def on_error(event: ErrorEvent, bot: Bot) -> None:
    """Nothing of the failed step was saved (its transaction rolled back)."""
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
    if user is None:
        return
    try:
        await bot.send_message(user.id, _("Something went wrong on our side. Please try again."))
    except Exception:  # the error reply is best effort; the failure is already logged
        log.warning("could not tell user %s about the failure", user.id)
