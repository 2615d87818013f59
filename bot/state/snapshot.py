"""A chat's conversation state as aiogram's FSM sees it: a state name and a small dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Snapshot:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data

    def copy(self) -> Snapshot:
        return Snapshot(self.state, copy_data(self.data))


def copy_data(value: Any) -> Any:
    """A deep copy of JSON-like data; copy.deepcopy costs ten times more on every update."""
    if isinstance(value, dict):
        return {key: copy_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_data(item) for item in value]
    return value
