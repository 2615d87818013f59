"""What people read about linking; every reason has its text (mypy checks the match)."""

from __future__ import annotations

from typing import assert_never

from aiogram.utils.i18n import gettext as _

from services.channels import Channel
from services.linking.channels import Channels
from services.linking.linking import LinkReason

CHANNEL_NAMES = {Channel.TELEGRAM: "Telegram", Channel.WHATSAPP: "WhatsApp"}


def link_problem_text(reason: LinkReason) -> str:
    match reason:
        case LinkReason.EXPIRED:
            return _("This code has expired. Send /link in your other messenger for a new one.")
        case LinkReason.SAME_CHANNEL:
            return _("Type this code in your other messenger, not here.")
        case LinkReason.REGISTERED_ELSEWHERE:
            return _(
                "This account is already registered as someone else. "
                "To link it, first delete that registration here with /forget."
            )
        case LinkReason.CHANNEL_TAKEN:
            return _("You already have an account in this messenger linked.")
        case LinkReason.TOO_MANY:
            return _("Too many wrong codes. Please wait a quarter of an hour and try again.")
        case LinkReason.UNKNOWN:
            return _("This code is not valid. Check it, or send /link in your other messenger.")
        case _:
            assert_never(reason)


def preference_text(channels: Channels) -> str:
    return _(
        "Notifications come to {channel} first; if it cannot be reached, to the other one. "
        "Where should they come?"
    ).format(channel=CHANNEL_NAMES[channels.preferred])
