"""aiogram's response classes, built once and kept for the life of the process.

aiogram validates every Bot API answer with ``Response[method.__returning__]``; pydantic keeps
such parametrized classes only in a weak cache, so each garbage collection frees them and the
next call builds the class again (``Response[Message]``: about 17 ms under load, once every ten
updates or so). Holding a strong reference to each makes them built once.
"""

from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.methods.base import Response, TelegramMethod

_PINNED: dict[str, Any] = {}


def pin_response_classes() -> int:
    """Build ``Response[T]`` for every Bot API method's result type once; how many there are."""
    if not _PINNED:
        for name in methods.__all__:
            method = getattr(methods, name)
            if not isinstance(method, type) or not issubclass(method, TelegramMethod):
                continue
            returning = method.__dict__.get("__returning__")
            if isinstance(returning, property):  # TelegramMethod's own, abstract
                continue
            if returning is not None and repr(returning) not in _PINNED:
                _PINNED[repr(returning)] = Response[returning]  # type: ignore[valid-type]
    return len(_PINNED)
