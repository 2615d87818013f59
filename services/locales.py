"""Which languages we speak and how a first guess is made."""

from __future__ import annotations

SUPPORTED_LOCALES = ("kk", "ru", "en")
DEFAULT_LOCALE = "kk"


def guess_locale(language_code: str | None) -> str:
    """Telegram's language_code ("ru", "en-US", "kk") mapped to ours; Kazakh when unknown."""
    if not language_code:
        return DEFAULT_LOCALE
    base = language_code.split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else DEFAULT_LOCALE
