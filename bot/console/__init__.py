"""The console simulator: the real Dispatcher, typed into from a terminal."""

from bot.console.console import run_console

__all__ = ["run_console"]
