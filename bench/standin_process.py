"""The Bot API stand-in in a process of its own, so a benchmark's CPU time is the bot's alone.

`python -m bench.standin_process --rate R --per-chat P` prints its base URL, serves until its
stdin closes, then prints how many 429s it answered and how many messages it accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.standins.telegram_api import TelegramStandIn

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class StandInProcess:
    base_url: str
    too_many_requests: int = 0
    messages: int = 0


@contextlib.asynccontextmanager
async def standin_process(
    per_second: float | None, per_chat_per_second: float | None
) -> AsyncIterator[StandInProcess]:
    limits = [f"--rate={per_second or 0}", f"--per-chat={per_chat_per_second or 0}"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.standin_process",
        *limits,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin and process.stdout
    handle = StandInProcess((await process.stdout.readline()).decode().strip())
    try:
        yield handle
    finally:
        process.stdin.close()
        figures = (await process.stdout.read()).split()
        await process.wait()
        if len(figures) == 2:
            handle.too_many_requests, handle.messages = map(int, figures)


async def serve(per_second: float, per_chat: float) -> None:
    async with TelegramStandIn() as standin:
        standin.set_rate_limit(per_second=per_second or None, per_chat_per_second=per_chat or None)
        print(standin.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        print(standin.too_many_requests, len(standin.calls("sendMessage")), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.standin_process", description=__doc__)
    parser.add_argument("--rate", type=float, default=0.0, help="0: no limit")
    parser.add_argument("--per-chat", type=float, default=0.0, help="0: no limit")
    args = parser.parse_args()
    asyncio.run(serve(args.rate, args.per_chat))
