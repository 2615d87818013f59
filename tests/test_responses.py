"""aiogram's Response[T] classes are built once per process, not after every collection."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods.base import Response
from aiogram.types import Message

from bot.telegram.responses import pin_response_classes


def built() -> type:
    return Response[Message]  # as aiogram builds it for each answer, from inside a function


def test_response_classes_outlive_a_collection() -> None:
    assert pin_response_classes() > 10
    first = weakref.ref(built())
    gc.collect()
    assert first() is not None
    assert built() is first()
