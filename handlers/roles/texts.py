"""What people read about their roles and about revoking them."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.common.labels import role_label
from services.grants.held import Grant
from services.grants.staff import RevokedNotice
from services.roles import Role


def place_label(role: Role, place: str) -> str:
    """ "Teacher — Robotics", or "Administrator" for a role without a place."""
    return f"{role_label(role)} — {place}" if place else role_label(role)


def grant_label(grant: Grant) -> str:
    return place_label(grant.role, grant.place)


def roles_summary(grants: list[Grant]) -> str:
    if not grants:
        return _("You have no role yet.")
    return _("Your roles: {roles}.").format(roles="; ".join(grant_label(g) for g in grants))


def staff_roles_note() -> str:
    return _(
        "Teachers, duty officers, coordinators and administrators get their role from the "
        "administration: ask them for an invite link and open it."
    )


def revoked_notice(notice: RevokedNotice) -> str:
    """For the person who lost the role, rendered in their language by the caller."""
    return _(
        "The administration has removed your role: {role}. /help shows what you can do now."
    ).format(role=place_label(notice.role, notice.place))


def last_admin_revoke_text() -> str:
    return _(
        "You are the only administrator, so this role cannot be removed: nobody would be left "
        "to manage Qamqor. First invite another administrator with /invite; once they have "
        "opened the link, you can give up the role."
    )
