"""Names of roles and invite problems in the current locale."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def role_label(role: str) -> str:
    labels = {
        "admin": _("Administrator"),
        "coordinator": _("Regional coordinator"),
        "teacher": _("Teacher"),
        "parent": _("Parent"),
        "duty_officer": _("Duty (sanitary) officer"),
        "volunteer": _("Volunteer"),
    }
    return labels.get(role, role)


def invite_problem_text(reason: str) -> str:
    texts = {
        "expired": _("This invite link has expired. Ask the administrator for a new one."),
        "used_up": _(
            "This invite link has already been used. Ask the administrator for a new one."
        ),
        "revoked": _("This invite link was cancelled by the administrator."),
        "already_has": _("You already have this role."),
    }
    return texts.get(reason, _("This invite link is not valid. Check it or ask for a new one."))
