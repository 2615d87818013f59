"""Text people type or send, made safe to store and show (pure rules)."""

from __future__ import annotations

import unicodedata

# Categories that have no business in a name: controls (NUL included), lone surrogates,
# unassigned and private-use code points.
UNWANTED = frozenset({"Cc", "Cs", "Cn", "Co"})


def clean_text(value: str, limit: int) -> str:
    """Printable text, single-spaced, at most `limit` characters; "" when nothing is left."""
    kept = "".join(
        " " if unicodedata.category(c) in {"Zl", "Zp"} or c in "\t\r\n" else c
        for c in value
        if unicodedata.category(c) not in UNWANTED or c in "\t\r\n"
    )
    return " ".join(kept.split())[:limit]


def is_token(value: str, alphabet: str, *, max_length: int) -> bool:
    """A code someone typed: only characters from `alphabet`, and not too long."""
    return 0 < len(value) <= max_length and all(c in alphabet for c in value)
