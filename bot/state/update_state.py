"""One update's view of its chat's conversation state: read once, changed in memory, written
by the next commit (see bot/middlewares/update.py). Handlers use it through FSMContext."""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.state.stores import Snapshot


class UpdateState(BaseStorage):
    def __init__(self, key: StorageKey, snapshot: Snapshot) -> None:
        self.key = key
        self._snapshot = snapshot
        self._stored = self.snapshot()  # what the store holds
        self.version = 0  # changes made so far
        self.saved = 0  # the version the store holds

    @property
    def dirty(self) -> bool:
        return self.version != self.saved

    def snapshot(self) -> Snapshot:
        return Snapshot(self._snapshot.state, deepcopy(self._snapshot.data))

    def stored(self, version: int, snapshot: Snapshot) -> None:
        """The store now holds `snapshot`, the state as of `version`."""
        self.saved, self._stored = version, snapshot

    def discard(self) -> None:
        """The update failed: what it changed is forgotten, as its transaction was."""
        self._snapshot = Snapshot(self._stored.state, deepcopy(self._stored.data))
        self.version = self.saved

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._check(key)
        value = state.state if isinstance(state, State) else state
        if value != self._snapshot.state:
            self._snapshot.state = value
            self.version += 1

    async def get_state(self, key: StorageKey) -> str | None:
        self._check(key)
        return self._snapshot.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self._check(key)
        if dict(data) != self._snapshot.data:
            self._snapshot.data = deepcopy(dict(data))
            self.version += 1

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._check(key)
        return deepcopy(self._snapshot.data)

    async def close(self) -> None:
        return None

    def _check(self, key: StorageKey) -> None:
        if key != self.key:
            # Handlers only ever touch the state of the chat the update came from.
            raise LookupError(f"an update may only use its own chat's state, not {key}")
