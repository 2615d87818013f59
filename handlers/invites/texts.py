"""What people read about invites; every reason has its text (mypy checks the match)."""

from __future__ import annotations

from typing import assert_never

from aiogram.utils.i18n import gettext as _

from handlers.common.labels import role_label
from services.invites.invites import InviteReason, InviteView


def invite_problem_text(reason: InviteReason) -> str:
    match reason:
        case InviteReason.EXPIRED:
            return _("This invite link has expired. Ask the administrator for a new one.")
        case InviteReason.USED_UP:
            return _("This invite link has already been used. Ask the administrator for a new one.")
        case InviteReason.REVOKED:
            return _("This invite link was cancelled by the administrator.")
        case InviteReason.ALREADY_HAS:
            return _("You already have this role.")
        case InviteReason.UNKNOWN:
            return _("This invite link is not valid. Check it or ask for a new one.")
        case _:
            assert_never(reason)


def granted_text(view: InviteView) -> str:
    role = role_label(view.role)
    if view.place:
        return _("Done! You are now {role}: {place}.").format(role=role, place=view.place)
    return _("Done! You are now {role}.").format(role=role)
