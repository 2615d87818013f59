"""Names of roles in the current locale; every role has one (mypy checks the match)."""

from __future__ import annotations

from typing import assert_never

from aiogram.utils.i18n import get_i18n
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
            return _("Sanitary officer")
        case Role.VOLUNTEER:
            return _("Volunteer")
        case _:
            assert_never(role)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on where it stands (a case ending, for one)."""
    i18n = get_i18n()
    translations = i18n.locales.get(i18n.current_locale)
    return translations.pgettext(context, message) if translations else message


def role_audience(role: Role) -> str:
    """The people of a role, as in "/invite is only for administrators" (ru: dative)."""
    match role:
        case Role.ADMIN:
            return pgettext("only for", "administrators")
        case Role.COORDINATOR:
            return pgettext("only for", "regional coordinators")
        case Role.TEACHER:
            return pgettext("only for", "teachers")
        case Role.PARENT:
            return pgettext("only for", "parents")
        case Role.DUTY_OFFICER:
            return pgettext("only for", "those responsible for sanitary rules")
        case Role.VOLUNTEER:
            return pgettext("only for", "volunteers")
        case _:
            assert_never(role)


def stale_button() -> str:
    """What a button from an old message, a finished step or someone else's menu gets."""
    return _("This button is out of date.")


def clip(text: str, limit: int = 60) -> str:
    """A button's text within `limit` characters, cut at a word with "…" rather than mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.:;·—-")
    return (cut or text[: limit - 1]) + "…"
