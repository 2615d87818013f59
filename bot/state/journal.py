"""A local, append-only note of the updates this process started and ended.

Counting every attempt in the database would cost a statement per update. Instead each update
appends two short lines to this file, one when it starts and one when it ends: a write to the
operating system's cache, which outlives the process being killed (not the machine losing
power). At the next start-up an update that started and never ended was cut off by a crash;
its attempt is added to the database (services/updates.py), where redeliveries are counted
from then on, so an update that kills the process every time is dropped after a few tries.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections import Counter
from pathlib import Path

log = logging.getLogger(__name__)

UpdateKey = tuple[str, str]  # (channel, update key)
ROTATE_AT = 4 * 1024 * 1024  # bytes; then rewritten with only the updates still running


class UpdateJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._lock: int | None = None
        self._size = 0
        self._running: dict[UpdateKey, int] = {}

    def open(self) -> Counter[UpdateKey]:
        """The updates a crash cut off since the last start; the file starts afresh. Another
        live process with this file: nothing is read, and this process keeps no journal."""
        cut_off: Counter[UpdateKey] = Counter()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_name(self.path.name + ".lock"), os.O_WRONLY | os.O_CREAT)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            log.error(
                "another process keeps the update journal %s: this one keeps none (set "
                "UPDATE_JOURNAL per process); an update that crashes it is not counted",
                self.path,
            )
            return cut_off
        self._lock = lock  # held while the process lives; the system drops it at exit
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split("\t")
                if len(parts) != 3:
                    continue  # the half-written last line of a crash
                mark, channel, key = parts
                if mark == "S":
                    cut_off[(channel, key)] += 1
                elif mark == "E" and cut_off[(channel, key)] > 0:
                    cut_off[(channel, key)] -= 1
        self._rewrite()
        return +cut_off

    def started(self, key: UpdateKey) -> None:
        self._running[key] = self._running.get(key, 0) + 1
        self._append("S", key)

    def ended(self, key: UpdateKey) -> None:
        left = self._running.get(key, 0) - 1
        if left > 0:
            self._running[key] = left
        else:
            self._running.pop(key, None)
        self._append("E", key)
        if self._fd is not None and self._size > ROTATE_AT:
            self._rewrite()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _append(self, mark: str, key: UpdateKey) -> None:
        if self._fd is None:
            return
        line = f"{mark}\t{key[0]}\t{_clean(key[1])}\n".encode()
        try:
            self._size += os.write(self._fd, line)
        except OSError as error:
            # A full or failing disk must not stop the bot: it goes on without the journal.
            log.error("update journal %s unwritable, given up: %s", self.path, error)
            os.close(self._fd)
            self._fd = None

    def _rewrite(self) -> None:
        """Atomically: only what is still running survives a crash during the rewrite."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        fresh = self.path.with_name(self.path.name + ".new")
        lines = "".join(
            f"S\t{channel}\t{_clean(key)}\n" * count
            for (channel, key), count in self._running.items()
        )
        fresh.write_text(lines, encoding="utf-8")
        os.replace(fresh, self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._size = len(lines.encode())


def _clean(key: str) -> str:
    return key.replace("\t", " ").replace("\n", " ")
