"""gettext catalogs under locales/ (compiled by `make setup`)."""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n

from services.locales import DEFAULT_LOCALE

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def make_i18n() -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=DEFAULT_LOCALE, domain="messages")
