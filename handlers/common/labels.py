"""Names of roles in the current locale; every role has one (mypy checks the match)."""

from __future__ import annotations

from typing import assert_never

from aiogram.utils.i18n import gettext as _

from services.roles import Role


def role_label(role: Role) -> str:
    match role:
        case Role.ADMIN:
            return _("Administrator")
        case Role.COORDINATOR:
            return _("Regional coordinator")
        case Role.TEACHER:
            return _("Teacher")
        case Role.PARENT:
            return _("Parent")
        case Role.DUTY_OFFICER:
            return _("Duty (sanitary) officer")
        case Role.VOLUNTEER:
            return _("Volunteer")
        case _:
            assert_never(role)


def stale_button() -> str:
    """What a button from an old message, a finished step or someone else's menu gets."""
    return _("This button is out of date.")
