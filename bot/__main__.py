"""`python -m bot [run|console|demo|admin-invite|outbox-drain]`; settings come from env and .env."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging


def main() -> None:
    # Importing aiogram builds hundreds of pydantic models: the collector would scan that
    # growing heap again and again (a fifth of the import time) to find next to no garbage.
    gc.disable()
    from bot.config import Settings
    from bot.runner import admin_invite, drain_outbox, load_demo_data, run, run_console_mode

    gc.freeze()  # what the imports built lives as long as the process: never scanned again
    gc.enable()
    parser = argparse.ArgumentParser(prog="python -m bot", description="Qamqor assistant")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "console", "demo", "admin-invite", "outbox-drain"],
        help="run: the configured channel, or the console simulator when none is configured",
    )
    args = parser.parse_args()
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiogram logs every handled update at INFO; that is noise in production and in the console.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    commands = {
        "run": run,
        "console": run_console_mode,
        "demo": load_demo_data,
        "admin-invite": admin_invite,
        "outbox-drain": drain_outbox,
    }
    asyncio.run(commands[args.command](settings))


if __name__ == "__main__":
    main()
