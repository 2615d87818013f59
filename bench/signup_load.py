"""Many newcomers signing up at once against a slow Bot API, an operator's CLI writing alongside.

Each person sends 10 updates one after another (/start, language, consent, role "Volunteer",
/help, /mydata, /language and a pick, /link, /cancel) through the real Dispatcher, all people at
once; the Bot API stand-in answers every call after --latency seconds. `python -m bot
admin-invite` runs --cli-runs times on the same database meanwhile. Prints updates that failed on
"database is locked", registrations lost, the operator's runs that failed, and how long an update
took (p50/p95/max). Run: python -m bench.signup_load [--people N] [--latency S] [--database-url U]

Figures on the 2-core development VM (2026-11-25), defaults (60 people, 0.3 s latency):
before the transaction rule (commit bcf8bdd), SQLite, three runs: 19-27 updates failed, every
one on "database is locked"; 13-18 of 60 registrations lost; admin-invite failed in 5 of 6 runs;
update latency p50 1.9-3.3 s, p95 21.4-22.7 s, max 41-50 s. PostgreSQL: nothing failed or lost,
p50 0.77 s, p95 2.64 s, max 4.9 s.
After it, SQLite, three runs on an idle machine: nothing failed or lost, admin-invite 0 of 6
failed, p50 0.62-0.67 s, p95 1.32-1.36 s, max 2.7-3.7 s, 600 updates in about 12.5 s.
PostgreSQL: nothing failed or lost, p50 0.77 s, p95 1.59 s, max 2.0 s. The role step alone
makes four Bot API calls (1.2 s); what remains is one event loop's CPU, about 9 ms an update.
Target: nothing failed or lost, p95 under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import build_app
from bot.config import Settings
from bot.telegram.bot import make_telegram_bot
from storage.models.people import ChannelIdentity, Person
from tests.driver import TelegramUser
from tests.standins.telegram_api import TelegramStandIn
from tests.test_load import Failures, count_locked, guarded, run_admin_invite, sign_up

CLI_INTERVAL = 3.0  # seconds between the operator's runs


class TimedUser(TelegramUser):
    """A chat user who notes how long each of their updates took to handle."""

    def __init__(
        self, dp: Dispatcher, bot: Bot, standin: TelegramStandIn, user_id: int, took: list[float]
    ) -> None:
        super().__init__(dp, bot, standin, user_id, f"Person {user_id}", "en")
        self.took = took

    async def feed(self, raw: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            await super().feed(raw)
        finally:
            self.took.append(time.perf_counter() - started)


async def journey(user: TimedUser) -> None:
    await sign_up(user)
    await user.send("/language")
    await user.press("English")
    await user.send("/link")
    await user.send("/cancel")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def operator(database_url: str, runs: int) -> list[tuple[int, str]]:
    results = []
    for n in range(runs):
        if n:
            await asyncio.sleep(CLI_INTERVAL)
        results.append(await run_admin_invite(database_url))
    return results


async def measure(people: int, latency: float, cli_runs: int, database_url: str) -> None:
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    async with TelegramStandIn() as standin:
        settings = Settings(
            _env_file=None,
            telegram_bot_token="42:BENCH",
            telegram_api_url=standin.base_url,
            database_url=database_url,
        )
        app = await build_app(settings)
        app.links.telegram_username = standin.bot_username
        bot = make_telegram_bot(settings)
        standin.latency = latency
        took: list[float] = []
        users = [TimedUser(app.dispatcher, bot, standin, 7000 + n, took) for n in range(people)]
        broken: list[str] = []
        try:
            with Failures().installed() as failures:  # counted here, not printed
                started = time.perf_counter()
                cli = asyncio.create_task(operator(database_url, cli_runs))
                await asyncio.gather(*(guarded(journey(user), broken) for user in users))
                wall = time.perf_counter() - started
                cli_results = await cli
            async with app.session_factory() as session:
                persons = int(await session.scalar(select(func.count()).select_from(Person)) or 0)
                ids = set(await session.scalars(select(ChannelIdentity.external_id)))
        finally:
            await bot.session.close()
            await app.close()
    failed = [r for r in failures.records if r.exc_info]
    failed_texts = [f"{r.exc_info[1]!r}" for r in failed if r.exc_info]
    lost = sum(user.external_id not in ids for user in users)
    where = make_url(database_url).render_as_string(hide_password=True)
    print(f"people: {people}, updates each: 10, Bot API latency: {latency} s, {where}")
    print(f"updates fed:              {len(took)} in {wall:.1f} s")
    print(f"updates failed:           {len(failed)}")
    print(f"  on 'database is locked': {count_locked(failed_texts)}")
    print(f"journeys broken off:      {len(broken)}")
    print(f"registrations lost:       {lost} of {people} (persons stored: {persons})")
    print(f"admin-invite runs failed: {sum(code != 0 for code, _ in cli_results)} of {cli_runs}")
    for code, output in cli_results:
        errors = [line for line in output.splitlines() if "Error" in line] or ["?"]
        if code:
            print("  ", errors[-1][:160])
    print(
        f"update latency:           p50 {percentile(took, 0.5):.2f} s, "
        f"p95 {percentile(took, 0.95):.2f} s, max {max(took):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--cli-runs", type=int, default=2)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'signup.sqlite3'}"
        asyncio.run(measure(args.people, args.latency, args.cli_runs, url))


if __name__ == "__main__":
    main()
