"""Every feature the handlers declare, plus what the machinery and the channels add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.whatsapp.data import HOOKS as WHATSAPP_HOOKS
from handlers.common.menu import Menu
from handlers.common.steps import Steps
from handlers.features import Feature, by_position, discover, renderers
from services.hooks import DueQuery, Hooks, Renderer
from services.system import system_hooks


@dataclass(frozen=True)
class Assembly:
    features: tuple[Feature, ...]
    hooks: tuple[Hooks, ...]  # /mydata, /forget, purge and tick of features and channels
    menu: Menu
    renderers: dict[str, Renderer]
    steps: Steps

    @property
    def due_queries(self) -> tuple[DueQuery, ...]:
        return tuple(query for hooks in self.hooks for query in hooks.due)


def assemble(update_retention: timedelta, features: tuple[Feature, ...] | None = None) -> Assembly:
    found = discover() if features is None else tuple(sorted(features, key=by_position))
    hooks = (
        system_hooks(update_retention),
        WHATSAPP_HOOKS,  # its chats and media exist whether or not WhatsApp is on now
        *(feature.hooks for feature in found),
    )
    menu = Menu(command for feature in found for command in feature.commands)
    steps = Steps(feature.steps for feature in found)
    return Assembly(found, hooks, menu, renderers(found), steps)
