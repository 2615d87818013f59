"""A feature declares, in its package's `__init__.py`, everything it adds to the bot.

    feature = Feature(
        name="linking",
        router=make_router,             # a fresh Router each call (one per Dispatcher)
        commands=(MenuCommand("link", N_("Use Qamqor on Telegram and WhatsApp")),),
        hooks=services.linking.HOOKS,   # /mydata, /forget, purge, due reminders
        renderers={"kind": render},     # texts of its reminders
        steps={Flow.step: ask_step},    # each options step's question, to ask it again
    )

`discover()` finds every package under handlers/ that has one, so adding a feature edits no
shared list: one package per layer (handlers/, services/, storage/models/) and a migration.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from types import ModuleType

from aiogram import Router
from aiogram.fsm.state import State

from handlers.common.menu import MenuCommand
from handlers.common.steps import Ask
from services.hooks import Hooks, Renderer

RouterFactory = Callable[[], Router]


class Position(IntEnum):
    """Where a feature's router goes among the others (lower first).

    A flow's "anything else in this state" handler swallows every later feature's commands
    while someone is in that state, so a flow goes after the features whose commands must
    still work inside it: /cancel first, then onboarding (/start, /help, /language), privacy,
    linking and invites, features' own flows in the middle, catch-alls last.
    """

    FIRST = 0
    CANCEL = 1
    ONBOARDING = 10
    PRIVACY = 20
    LINKING = 30
    INVITES = 40
    MIDDLE = 50
    STEPS = 90  # a step's question asked again: after every flow's own handlers
    LAST = 100


@dataclass(frozen=True)
class Feature:
    name: str
    router: RouterFactory | None = None
    position: Position = Position.MIDDLE
    commands: tuple[MenuCommand, ...] = ()
    hooks: Hooks = field(default_factory=Hooks)
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    steps: Mapping[State, Ask] = field(default_factory=dict)


def discover(*packages: ModuleType) -> tuple[Feature, ...]:
    """Every `feature` declared by a direct subpackage, routers in position order."""
    import handlers

    found: list[Feature] = []
    for package in packages or (handlers,):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if not info.ispkg:
                continue
            feature = getattr(importlib.import_module(info.name), "feature", None)
            if isinstance(feature, Feature):
                found.append(feature)
    return tuple(sorted(found, key=by_position))


def by_position(feature: Feature) -> tuple[int, str]:
    return feature.position, feature.name


def routers(features: Iterable[Feature]) -> list[Router]:
    return [f.router() for f in features if f.router is not None]


def renderers(features: Iterable[Feature]) -> dict[str, Renderer]:
    found: dict[str, Renderer] = {}
    for feature in features:
        for kind, render in feature.renderers.items():
            if kind in found:
                raise ValueError(f"two features render reminders of kind {kind!r}")
            found[kind] = render
    return found
