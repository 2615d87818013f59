"""Unexpected failures: logged with the update, and the person told to try again.

This path must not fail itself: it reads nothing from the database (the language comes from
what the middlewares already know) and a failed reply is only logged.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot) -> None:
    """Nothing of the failed step was saved (its transaction rolled back)."""
    log.error(
        "update %s failed: %s",
        event.update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    user = getattr(event.update.event, "from_user", None)
    if user is None:
        return
    try:
        await bot.send_message(user.id, _("Something went wrong on our side. Please try again."))
    except Exception:  # the error reply is best effort; the failure is already logged
        log.warning("could not tell user %s about the failure", user.id)


def make_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
