"""Longer texts of onboarding."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.common.labels import role_label
from handlers.common.menu import Menu
from services.roles import Role

# Before a language is chosen: all three, each in itself.
GREETING = (
    "Сәлеметсіз бе! Qamqor — балалар білімі мен демалысына көмекші.\n"
    "Здравствуйте! Qamqor — помощник по детскому образованию и досугу.\n"
    "Hello! Qamqor helps with children's education and leisure.\n\n"
    "Тілді таңдаңыз · Выберите язык · Choose a language:"
)


def consent_text() -> str:
    return _(
        "Before we start, please read how we treat your data.\n\n"
        "Operator: the Qamqor service of the Palace of Schoolchildren and the regional "
        "leader-movement centres.\n"
        "Purpose: to register you, send schedules, lesson links and reminders, and keep the "
        "records the programmes require.\n"
        "What we store: your name from this messenger, your chosen language and role; later, "
        "only what a feature you use needs (for a parent: the child's name, club and daily "
        "health answers).\n"
        "How long: while you use the service; health answers for 30 days; everything is "
        "deleted when you ask.\n"
        "Your rights: /mydata shows everything stored about you, /forget deletes it and "
        "withdraws this consent.\n\n"
        "If you are a parent, you also agree on behalf of the children you add."
    )


def consent_question() -> str:
    return _("Do you agree to the processing of your data as described above?")


def help_text(menu: Menu, roles: frozenset[Role]) -> str:
    lines = [f"/{c.name} — {_(c.description)}" for c in menu.commands_for(roles)]
    if roles:
        names = ", ".join(sorted(role_label(r) for r in roles))
        header = _("Your roles: {roles}.").format(roles=names)
    else:
        header = _("You have no role yet.")
    return "\n".join([header, "", _("Here is what I can do:"), *lines])
