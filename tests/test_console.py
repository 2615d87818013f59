"""The console simulator driven by scripted lines, and `python -m bot` opening it for real."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message
from sqlalchemy import func, select

from bot.app import App
from bot.console import run_console
from bot.console.console import Console
from services.demo import load_demo
from storage.models.org import Club, Site
from storage.models.people import Child, ConsentRecord, Person, RoleGrant
from tests.conftest import Db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENGLISH_CONSENT = "Operator: the Qamqor service of the Palace of Schoolchildren"


@dataclass(frozen=True)
class Step:
    persona: str  # the prompt's label, e.g. "Гүлнар · admin"
    typed: str
    output: str


async def script(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def transcript(app: App, *lines: str) -> tuple[str, list[Step]]:
    """Runs the console over `lines`; the whole output and, per typed line, what followed it."""
    out = io.StringIO()
    await run_console(app, lines=script(*lines), out=out)
    text = out.getvalue()
    steps: list[Step] = []
    for chunk in text.split("\n[")[1:]:
        head, _, output = chunk.partition("\n")
        persona, _, typed = head.partition("] > ")
        steps.append(Step(persona, typed, output))
    return text, steps


async def test_newcomer_registers_then_staff_and_parent_look_around(app: App, db: Db) -> None:
    text, steps = await transcript(
        app,
        "/start",
        "3",
        "1",
        "Volunteer",
        ":as admin",
        "/help",
        "/invite",
        ":as parent",
        "/help",
        "/mydata",
    )
    assert "console simulator" in text and "Type as in a chat" in text
    start, english, agree, volunteer, as_admin, admin_help, invite, _, parent_help, mydata = steps

    assert start.persona.endswith("· new") and start.typed == "/start"
    assert "1. Қазақша\n   2. Русский\n   3. English" in start.output
    assert "↳ English" in english.output and ENGLISH_CONSENT in english.output
    assert "Who are you?" in agree.output
    assert "You are registered as: Volunteer." in volunteer.output
    assert as_admin.persona.endswith("· volunteer")  # the prompt follows the database
    assert "you are now Гүлнар Сейітова (admin)" in as_admin.output

    assert admin_help.persona == "Гүлнар · admin" and "/invite" in admin_help.output
    numbered = re.findall(r"^ +(\d+)\. ", invite.output, re.MULTILINE)
    assert numbered == ["1", "2", "3", "4"]  # admin, coordinator, teacher, duty officer
    assert parent_help.persona == "Ольга · parent" and "/invite" not in parent_help.output
    assert parent_help.output != admin_help.output
    assert "📎 qamqor-my-data-" in mydata.output and " bytes)" in mydata.output
    assert "Ольга Ким" in mydata.output  # the head of the JSON file

    newcomer = await db.scalar(select(Person).where(Person.full_name == "Асель"))
    assert newcomer is not None and newcomer.locale == "en"
    roles = await db.all(select(RoleGrant.role).where(RoleGrant.person_id == newcomer.id))
    assert roles == ["volunteer"]
    assert text.rstrip().endswith("Bye")  # the end of the lines ends the simulator cleanly


async def test_whatsapp_view_new_users_and_meta_commands(app: App) -> None:
    _, steps = await transcript(
        app,
        ":wa",
        "/start",
        ":tg",
        "/start",
        ":as new",
        ":who",
        ":as 99",
        ":nonsense",
        ":help",
        ":quit",
        "/start",  # never read
    )
    wa_start, tg_start = steps[1], steps[3]
    assert "3. English" in wa_start.output and "⌨ buttons" not in wa_start.output
    assert "3. English" in tg_start.output and "⌨ buttons" in tg_start.output
    first, second = steps[0].persona, steps[5].persona
    assert first != second and second.endswith("· new")
    who = steps[5].output
    assert "6. Дмитрий Петров — coordinator" in who and "8. Тимур — new  ← you" in who
    assert "who?" in steps[6].output
    assert "unknown :nonsense" in steps[7].output
    assert ":as new" in steps[8].output
    assert len(steps) == 10


async def test_picking_text_that_is_no_option_is_a_message(app: App) -> None:
    _, steps = await transcript(app, "/start", "5", "English")
    # "5" is no option: the bot gets it as text and asks again; "English" then picks.
    assert "↳" not in steps[1].output and "1. Қазақша" in steps[1].output
    assert ENGLISH_CONSENT in steps[2].output


async def test_update_ids_stay_unique_across_runs_on_one_database(app: App) -> None:
    for _ in range(2):
        _, steps = await transcript(app, "/start")
        assert "3. English" in steps[0].output  # a reused update id would be dropped silently


async def test_bot_calls_get_plausible_results_without_a_network(app: App) -> None:
    out = io.StringIO()
    console = Console(app, [], out)
    bot, chat = console.bot, console.current.user_id
    me = await bot.get_me()
    assert me.username == "qamqor_bot" and me.is_bot
    first = await bot.send_message(chat, "Сәлем!")
    second = await bot.send_message(chat, "Привет!")
    assert (first.message_id, second.message_id) == (1, 2) and second.text == "Привет!"
    edited = await bot.edit_message_text("Hello!", chat_id=chat, message_id=1)
    assert isinstance(edited, Message) and edited.message_id == 1
    assert await bot.delete_message(chat, 2) is True
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest):
        await bot.get_chat(chat)
    assert out.getvalue().splitlines()[:2] == ["🤖 Сәлем!", "🤖 Привет!"]
    await bot.session.close()


async def test_demo_data_loads_once(app: App, db: Db) -> None:
    async with app.session_factory() as session:
        first = await load_demo(session)
    counts = [await db.count(m) for m in (Person, Site, Club, RoleGrant, ConsentRecord, Child)]
    async with app.session_factory() as session:
        again = await load_demo(session)
    assert again == first
    assert counts == [
        await db.count(m) for m in (Person, Site, Club, RoleGrant, ConsentRecord, Child)
    ]
    assert counts[:4] == [6, 2, 8, 6]
    assert {p.key for p in first} == {
        "admin",
        "teacher",
        "parent",
        "duty",
        "volunteer",
        "coordinator",
    }
    grants = await db.all(select(RoleGrant).order_by(RoleGrant.person_id))
    scoped = {g.role: (g.region_id, g.club_id, g.site_id, g.child_id) for g in grants}
    assert scoped["coordinator"][0] is not None and scoped["teacher"][1] is not None
    assert scoped["duty_officer"][2] is not None and scoped["parent"][3] is not None
    remote = await db.scalar(select(func.count()).where(Club.mode == "remote"))
    assert remote == 2


def test_python_m_bot_opens_the_simulator(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    # Empty values also override a developer's .env, so no real channel is ever started.
    env |= {"TELEGRAM_BOT_TOKEN": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}
    env |= {"REDIS_URL": "", "PYTHONIOENCODING": "utf-8"}
    env["CONSOLE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        input="/start\n3\n:quit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "console simulator" in done.stdout
    assert "1. Қазақша" in done.stdout and "3. English" in done.stdout
    assert ENGLISH_CONSENT in done.stdout
