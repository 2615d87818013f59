"""Start-up: from spawning `python -m bot` to its first getUpdates at the Bot API stand-in.

Runs the bot as production does (long polling, a Telegram token, the stand-in as Telegram's
server, a temporary SQLite file), twice: the first start migrates a fresh database, the second
finds it at head. Each start is stopped with SIGTERM once its first getUpdates arrives.
Run: python -m bench.startup [--runs N]

Figures on the 2-core development VM (2026-11-25), three runs, other sessions' work running:
before (commit 8779d83) fresh database 3.78-4.35 s, at head 3.35-3.70 s; after (the collector
off during the imports, redis imported only when used) fresh 2.98-3.14 s, at head 2.98-3.12 s.
Nearly all of it is importing aiogram: aiogram/types/__init__.py rebuilds about 450 pydantic
models (2.3 s of CPU here, 0.7 s of the rest of the imports); migrations, the App, the scheduler
and the four setMyCommands take under 0.2 s. The issue's 14 s was not reproduced.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from tests.standins.telegram_api import RecordedRequest, TelegramStandIn

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0


async def first_get_updates(standin: TelegramStandIn, database: Path) -> tuple[float, float]:
    """Seconds from spawn to the first getUpdates; and to the first Bot API call of any kind."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "42:STARTUP",
        "TELEGRAM_API_URL": standin.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("WEBHOOK_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "REDIS_URL"):
        env.pop(name, None)
    standin.clear()
    polling = asyncio.Event()

    async def seen(record: RecordedRequest) -> None:
        if record.method == "getupdates":
            polling.set()  # a long poll is answered only later: noted on arrival

    standin.on_request = seen
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        async with asyncio.timeout(TIMEOUT):
            await polling.wait()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    polled = next(r.at for r in standin.requests if r.method == "getupdates")
    first_call = min(r.at for r in standin.requests)
    return polled - started, first_call - started


async def main(runs: int) -> None:
    async with TelegramStandIn() as standin:
        for run in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                database = Path(tmp) / "startup.sqlite3"
                fresh = await first_get_updates(standin, database)
                at_head = await first_get_updates(standin, database)
            print(
                f"run {run + 1}: fresh database {fresh[0]:.2f} s (first Bot API call "
                f"{fresh[1]:.2f} s); database at head {at_head[0]:.2f} s (first call "
                f"{at_head[1]:.2f} s)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args().runs))
