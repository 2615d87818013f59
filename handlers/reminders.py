"""Texts of derived reminders: each feature registers a renderer for its kind of Due."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.scheduling import Due

# Returns the outbox payload ({"text": ..., "reply_markup": ...}) in the active locale.
Renderer = Callable[[Due], dict[str, Any]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(render: Renderer) -> Renderer:
        RENDERERS[kind] = render
        return render

    return register


def render_due(due: Due) -> dict[str, Any]:
    return RENDERERS[due.kind](due)
