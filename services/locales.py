"""Which languages we speak and how a first guess is made."""

from __future__ import annotations

SUPPORTED_LOCALES = ("kk", "ru", "en")
DEFAULT_LOCALE = "kk"


def guess_locale(language_code: str | None) -> str:
    """Telegram's language_code ("ru", "en-US", "kk") mapped to ours; Kazakh when unknown."""
    return known_locale(language_code) or DEFAULT_LOCALE


def known_locale(language_code: str | None) -> str | None:
    """Ours, when the person's language_code names one; None for "de", or for none at all."""
    base = (language_code or "").split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else None
