"""One update's view of its chat's conversation state: read once, changed in memory, written
after the update's work commits (see bot/middlewares/update.py). Handlers use it through
FSMContext."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.state.snapshot import Snapshot, copy_data


class UpdateState(BaseStorage):
    def __init__(self, key: StorageKey, snapshot: Snapshot) -> None:
        self.key = key
        self._current = snapshot
        self.version = 0  # changes made so far
        # As of the update's last commit (or as read): what a failure goes back to.
        self.committed: tuple[int, Snapshot] = (0, self.snapshot())
        self.stored = 0  # the version the store holds

    @property
    def dirty(self) -> bool:
        """The store does not hold the current state."""
        return self.version != self.stored

    def snapshot(self) -> Snapshot:
        return Snapshot(self._current.state, copy_data(self._current.data))

    def discard(self) -> None:
        """The update failed: what it changed since its last commit goes, as that did."""
        version, snapshot = self.committed
        self._current, self.version = Snapshot(snapshot.state, copy_data(snapshot.data)), version

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._check(key)
        value = state.state if isinstance(state, State) else state
        if value != self._current.state:
            self._current.state = value
            self.version += 1

    async def get_state(self, key: StorageKey) -> str | None:
        self._check(key)
        return self._current.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self._check(key)
        if dict(data) != self._current.data:
            self._current.data = copy_data(dict(data))
            self.version += 1

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._check(key)
        data: dict[str, Any] = copy_data(self._current.data)
        return data

    async def close(self) -> None:
        return None

    def _check(self, key: StorageKey) -> None:
        if key != self.key:
            # Handlers only ever touch the state of the chat the update came from.
            raise LookupError(f"an update may only use its own chat's state, not {key}")
