"""Names shown to people: one name in the reader's language, and lists in the reader's alphabet.

Pure functions, no database: `localized` picks a name with its fallback, `sort_key` orders names
the way a reader of kk, ru or en expects (PyICU is not available, so the key is our own).
"""

from __future__ import annotations

import unicodedata

# The Kazakh Cyrillic alphabet in its order. Russian's 33 letters are this list without
# ә ғ қ ң ө ұ ү һ і, in the same order (ё a letter of its own after е), so one table serves both:
# in a Russian list a Kazakh letter sorts where a Kazakh reader expects it.
CYRILLIC = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_CYRILLIC_RANK = {letter: rank for rank, letter in enumerate(CYRILLIC)}

# Groups, compared before letters: words before longer words ("Жас журналист" before
# "Жасөспірім"), digits before letters, the reader's script before the other one, then the rest.
_SPACE, _DIGIT, _OWN, _OTHER, _REST = range(5)


def localized(locale: str, given: str, kk: str | None, ru: str | None, en: str | None) -> str:
    """The name in the reader's language (kk, ru, en) if it has one, else the name as given."""
    name = {"kk": kk, "ru": ru, "en": en}.get(locale)
    return name if name and name.strip() else given


def sort_key(text: str, locale: str) -> tuple[tuple[tuple[int, int], ...], str, str]:
    """Orders names in the reader's alphabet: Kazakh for kk, Russian for ru, English otherwise.

    Letters compare without case; punctuation (quotes, dashes, dots) is skipped; spaces count,
    so a word sorts before the words it begins. Latin names in a kk or ru list come after the
    Cyrillic ones, Cyrillic names in an en list after the Latin ones: the reader's own script
    first. Ties are settled by the text itself, so the order never depends on the input's.
    """
    cyrillic_first = locale in ("kk", "ru")
    folded = unicodedata.normalize("NFC", text.casefold())
    key: list[tuple[int, int]] = []
    for char in folded:
        element = _element(char, cyrillic_first)
        if element is None:
            continue
        if element[0] == _SPACE and (not key or key[-1][0] == _SPACE):
            continue  # leading or repeated spaces
        key.append(element)
    while key and key[-1][0] == _SPACE:
        key.pop()
    return tuple(key), folded, text


def _element(char: str, cyrillic_first: bool) -> tuple[int, int] | None:
    rank = _CYRILLIC_RANK.get(char)
    if rank is not None:
        return (_OWN if cyrillic_first else _OTHER, rank)
    if char.isspace():
        return (_SPACE, 0)
    if char.isdigit():
        return (_DIGIT, unicodedata.digit(char, 0))
    if not char.isalpha():
        return None  # punctuation and symbols: «Палитра» sorts under П
    base = unicodedata.normalize("NFD", char)[0]  # é → e, ї → і
    if base in _CYRILLIC_RANK:
        return (_OWN if cyrillic_first else _OTHER, _CYRILLIC_RANK[base])
    if "a" <= base <= "z":
        return (_OTHER if cyrillic_first else _OWN, ord(base))
    return (_REST, ord(char))


def typed_matches(typed: str, name: str) -> bool:
    """Whether a name is what someone typed for it: every typed word begins a word of the
    name, allowing for a different ending ("караганда" for "Карагандинская область")."""
    words = _words(typed)
    if not words:
        return False
    named = _words(name)
    return all(any(word.startswith(_stem(typed_word)) for word in named) for typed_word in words)


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text.casefold()).split()


def _stem(word: str) -> str:
    """The word without an ending of up to two letters (a case or an adjective's ending)."""
    return word[: max(3, len(word) - 2)] if len(word) > 4 else word
