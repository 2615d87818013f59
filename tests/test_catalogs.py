"""Every catalog entry is translated: a kk or ru text that is missing, fuzzy, the English left
as it was, or English words inside Cyrillic, cannot land. Names and codes aside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
# The Makefile's `locales-extract` keywords.
KEYWORDS = {"_": None, "__": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
TRANSLATED = ("kk", "ru")

# What stays Latin in a Kazakh or Russian text: names of products and programmes, and codes.
NAMES = {"Qamqor", "Telegram", "WhatsApp", "Zoom", "Google", "Meet", "GoToMeeting", "PDF", "CSV"}
NAMES |= {"XLSX", "PNG", "VK", "Instagram", "Facebook", "YouTube", "QR", "ID", "UTC", "Almaty"}
NOT_WORDS = re.compile(
    r"\{[^}]*\}"  # placeholders
    r"|/[a-z_]+"  # commands
    r"|https?://\S+"  # links
    r"|<[^>]+>"  # markup
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def catalog(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


def pairs(message: Message) -> list[tuple[str, str]]:
    """(English, translation) for a message and each of its plural forms."""
    ids = [str(i) for i in message.id] if isinstance(message.id, tuple) else [str(message.id)]
    raw = message.string if isinstance(message.string, tuple) else (message.string,)
    strings = [str(s or "") for s in raw]
    english = [ids[min(n, len(ids) - 1)] for n in range(len(strings))]
    return list(zip(english, strings, strict=True))


def english_words(text: str) -> list[str]:
    words = LATIN_WORD.findall(NOT_WORDS.sub(" ", text))
    return [w for w in words if w not in NAMES]


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in NOT_WORDS.sub("", text))


def problems(entries: Catalog) -> list[str]:
    found = []
    for message in entries:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        for english, text in pairs(message):
            if not text:
                found.append(f"untranslated: {english!r}")
            elif text == english and has_letters(english) and english_words(english):
                found.append(f"left in English: {english!r}")
            elif stray := english_words(text):
                found.append(f"English words {stray} in: {text!r}")
    return found


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_kazakh_and_russian_text_is_translated(locale: str) -> None:
    assert problems(catalog(locale)) == []


def in_the_code() -> set[tuple[str | None, str]]:
    """Every message the code marks for translation, found as `make locales-extract` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


@pytest.mark.parametrize("locale", ("kk", "ru", "en"))
def test_every_message_in_the_code_is_in_the_catalog(locale: str) -> None:
    """A string added without `make locales-extract` would reach people in English."""
    entries = catalog(locale)
    listed = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in entries if m.id}
    assert sorted(in_the_code() - listed, key=str) == []


def test_the_english_catalog_has_every_message() -> None:
    untranslated = [m.id for m in catalog("en") if m.id and not all(t for _, t in pairs(m))]
    assert untranslated == []


def test_the_check_catches_what_it_is_for() -> None:
    """The test above would pass on an empty catalog: this one shows it can fail."""
    bad = Catalog(locale="ru")
    bad.add("Choose a language:", "")
    bad.add("Done", "Done")
    bad.add("Press Cancel", "Нажмите Cancel")
    bad.add("Hello {name}", "Привет", flags=["fuzzy"])
    bad.add("Qamqor", "Qamqor")  # a name stays as it is
    bad.add("{code}", "{code}")
    assert len(problems(bad)) == 4
    assert english_words("Готово: Qamqor {name} /help https://t.me/x") == []
    assert english_words("Нажмите Cancel") == ["Cancel"]
    assert english_words("Choose a language:") == ["Choose", "language"]
    assert not has_letters("{code} /start")
