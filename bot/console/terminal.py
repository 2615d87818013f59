"""Reading the console simulator's input from a terminal, a pipe or a test, without blocking."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TextIO


@contextlib.contextmanager
def terminal_kept(interactive: bool) -> Iterator[None]:
    """Ctrl+C leaves readline mid-line in its thread, and with it the terminal without echo."""
    saved: list[Any] | None = None
    if interactive and sys.stdin.isatty() and sys.platform != "win32":
        import termios

        saved = termios.tcgetattr(sys.stdin.fileno())
    try:
        yield
    finally:
        if saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)


@contextlib.contextmanager
def ctrl_c_quits() -> Iterator[asyncio.Event]:
    """At a terminal, Ctrl+C leaves like :quit instead of ending in a traceback."""
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    def on_interrupt() -> None:
        interrupted.set()
        if task is not None:
            task.cancel()

    previous = signal.getsignal(signal.SIGINT)
    try:
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        yield interrupted
        return
    try:
        yield interrupted
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        signal.signal(signal.SIGINT, previous)  # asyncio.run's own handler, for the shutdown
        if interrupted.is_set() and task is not None:
            task.uncancel()


def make_reader(
    lines: AsyncIterator[str] | None, out: TextIO
) -> Callable[[str], Awaitable[str | None]]:
    """Shows the prompt and waits for a line without blocking the event loop; None at the end."""
    if lines is not None:

        async def from_lines(prompt: str) -> str | None:
            line = await anext(lines, None)
            if line is not None:
                out.write(prompt + line.rstrip("\n") + "\n")  # echo, so the transcript reads well
            return line

        return from_lines
    if out is sys.stdout and sys.stdin.isatty():
        import readline  # noqa: F401 - arrow keys and history for input()

        async def from_terminal(prompt: str) -> str | None:
            return await in_thread(lambda: input(prompt))

        return from_terminal

    async def from_pipe(prompt: str) -> str | None:
        out.write(prompt)
        out.flush()
        line = await in_thread(sys.stdin.readline)
        if not line:
            return None
        out.write(line if line.endswith("\n") else line + "\n")
        return line

    return from_pipe


async def in_thread(read: Callable[[], str]) -> str | None:
    """Runs a blocking read in a daemon thread, so Ctrl+C never waits for a pending readline."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def settle(value: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def work() -> None:
        value: str | None = None
        error: BaseException | None = None
        try:
            value = read()
        except EOFError:
            value = None
        except BaseException as problem:  # handed to the awaiting coroutine
            error = problem
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=work, name="console-stdin", daemon=True).start()
    return await future
