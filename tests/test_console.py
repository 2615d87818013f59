"""The console simulator driven by scripted lines, and `python -m bot` opening it for real."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.config import Settings
from bot.console import run_console
from bot.console.console import Console
from handlers.features import Feature, discover
from services.demo import NEWCOMERS, PERSONAS, load_demo
from services.hooks import Due, Hooks
from storage.models.org import Club, Site
from storage.models.people import ChannelIdentity, Child, ConsentRecord, Person, RoleGrant
from tests.conftest import Db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENGLISH_CONSENT = "Operator: the Qamqor service of the Palace of Schoolchildren"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console writes documents under var/ of the working directory."""
    monkeypatch.chdir(tmp_path)


@dataclass(frozen=True)
class Step:
    persona: str  # the prompt's label, e.g. "Гүлнар · admin"
    typed: str
    output: str


async def script(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def transcript(
    app: App, *lines: str, files: Path = Path("var/files")
) -> tuple[str, list[Step]]:
    """Runs the console over `lines`; the whole output and, per typed line, what followed it."""
    out = io.StringIO()
    await run_console(app, lines=script(*lines), out=out, files=files)
    text = out.getvalue()
    steps: list[Step] = []
    for chunk in text.split("\n[")[1:]:
        head, _, output = chunk.partition("\n")
        persona, _, typed = head.partition("] > ")
        steps.append(Step(persona, typed, output))
    return text, steps


async def test_newcomer_registers_then_staff_and_parent_look_around(
    app: App, db: Db, tmp_path: Path
) -> None:
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
    # The whole file is written under var/, and the console says where.
    saved = re.search(r"💾 saved as (var/files/qamqor-my-data-\S+\.json)$", mydata.output, re.M)
    assert saved is not None
    exported = json.loads((tmp_path / saved[1]).read_text(encoding="utf-8"))
    assert exported["person"]["full_name"] == "Ольга Ким" and exported["children"]

    newcomer = await db.scalar(select(Person).where(Person.full_name == "Асель Бекова"))
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
    assert "6. Дмитрий Петров — coordinator  (:as coordinator)" in who
    assert "4. Сәуле Омарова — duty_officer  (:as duty)" in who
    assert "7. Асель Бекова — new  (:as new1)" in who
    assert "8. Тимур Ахметов — new  (:as new2)  ← you" in who
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
    # six personas, two volunteer applicants and three volunteers of the awards' ranking
    assert counts[:4] == [11, 2, 8, 11]
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


# A reminder kind of the test's own, due at 07:30 Almaty time on 26 November 2026 (UTC+5),
# for the demo parent, with two buttons: registered the way a feature registers its reminders.
REMINDER = "console_club_reminder"
REMINDER_AT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)
PARENT_TELEGRAM_ID = "900000003"


async def club_reminders(session: AsyncSession, start: datetime, end: datetime) -> list[Due]:
    if not start < REMINDER_AT <= end:
        return []
    rows = await session.execute(
        select(ChannelIdentity.id, Person.locale)
        .join(Person, Person.id == ChannelIdentity.person_id)
        .where(ChannelIdentity.external_id == PARENT_TELEGRAM_ID)
    )
    return [Due(identity, locale, REMINDER, f"{REMINDER}:{identity}") for identity, locale in rows]


def club_reminder(due: Due) -> dict[str, Any]:
    buttons = [
        {"text": "I'll bring Artyom", "callback_data": "club:yes"},
        {"text": "Not today", "callback_data": "club:no"},
    ]
    return {"text": "⏰ Robotics at 08:00", "reply_markup": {"inline_keyboard": [buttons]}}


@pytest.fixture
async def reminding_app(settings: Settings) -> AsyncIterator[App]:
    """The project's features and one that reminds the demo parent of a club at 07:30."""
    reminders = Feature(
        name="club_reminders",
        router=lambda: Router(name="club_reminders"),
        hooks=Hooks(due=[club_reminders]),
        renderers={REMINDER: club_reminder},
    )
    application = await build_app(settings, features=(*discover(), reminders))
    yield application
    await application.close()


async def test_tick_and_outbox_show_a_features_reminder_as_its_recipient_sees_it(
    reminding_app: App,
) -> None:
    _, steps = await transcript(
        reminding_app,
        ":outbox",
        ":tick 2026-11-26 07:29",
        ":tick 2026-11-26 07:30",
        ":outbox",
        ":tick 2026-11-26 07:30",
        ":tick 7:3O",
    )
    empty, before, due, outbox, again, wrong = steps
    assert "the outbox is empty" in empty.output
    assert "tick as of 2026-11-26 07:29 (Asia/Almaty)" in before.output
    assert "; 0 queued" in before.output
    assert "up to 2026-11-26 07:30; 1 queued" in due.output
    head = f"pending · {REMINDER} → Ольга Ким (telegram {PARENT_TELEGRAM_ID}) · due "
    assert head in outbox.output
    # As Telegram shows it to her: the text, then the buttons as numbered options.
    shown = "│ ⏰ Robotics at 08:00\n     │\n     │ 1. I'll bring Artyom\n     │ 2. Not today\n"
    assert shown in outbox.output
    assert "│ ⌨ buttons" in outbox.output
    assert "; 0 queued" in again.output and "the last tick reached 2026-11-26 07:30" in again.output
    assert ":tick 07:30" in wrong.output


async def test_a_whatsapp_persona_links_to_a_telegram_one_end_to_end(
    reminding_app: App, db: Db, tmp_path: Path
) -> None:
    app = reminding_app
    _, steps = await transcript(app, ":as parent", "/link")
    code = re.search(r"/link (\d{8})", steps[1].output)
    assert code is not None

    _, steps = await transcript(
        app,
        ":as new-wa",
        ":state",
        f"/link {code[1]}",
        "WhatsApp",
        ":who",
        "/mydata",
        ":tick 2026-11-26 07:30",
        ":outbox",
        ":outbox send",
        ":outbox",
    )
    become, state, link, prefer, who, mydata, tick, outbox, send, sent = steps
    number = re.search(r"WhatsApp \+(\d+)", become.output)
    assert number is not None and become.output.startswith("· you are now Тимур Ахметов (new)")
    assert become.persona == "Асель · new"  # before: the run's first newcomer, on Telegram
    assert link.persona == "Тимур · new · WhatsApp"
    assert "no conversation under way" in state.output
    # Replies in Ольга's language, WhatsApp-style: numbered options, no Telegram buttons.
    assert "Готово! Ольга Ким, теперь вы можете пользоваться Qamqor и здесь." in link.output
    assert re.search(r"^ +\d\. WhatsApp$", link.output, re.MULTILINE)
    assert "⌨" not in link.output
    assert "Готово: уведомления будут приходить в WhatsApp." in prefer.output
    assert prefer.persona == "Тимур · parent · WhatsApp"  # the person now, on this number
    assert "Тимур Ахметов — parent · WhatsApp  (:as wa1)  ← you" in who.output

    # /mydata went as a media link: the console fetched it and wrote the whole file.
    saved = re.search(r"💾 saved as (\S+)", mydata.output)
    assert saved is not None and (tmp_path / saved[1]).is_file()
    exported = json.loads((tmp_path / saved[1]).read_text(encoding="utf-8"))
    assert exported["person"]["full_name"] == "Ольга Ким"

    # The reminder follows her preference: to WhatsApp, numbered, no "⌨ buttons".
    assert "1 queued" in tick.output
    to_whatsapp = f"{REMINDER} → Ольга Ким (whatsapp {number[1]})"
    assert to_whatsapp in outbox.output
    reminder = outbox.output.split(to_whatsapp)[1]
    assert "│ 1. I'll bring Artyom\n     │ 2. Not today" in reminder
    assert "⌨" not in reminder
    # The first account was told, on Telegram, in her language.
    notice = f"account_notice → Ольга Ким (telegram {PARENT_TELEGRAM_ID})"
    assert notice in outbox.output and "только что связали с WhatsApp" in outbox.output
    # Sent as the senders would: the reminder to this number, the notice to her Telegram.
    assert "🤖 ⏰ Robotics at 08:00\n\n   1. I'll bring Artyom" in send.output
    assert "🤖 → Ольга Ким: Ваш аккаунт Qamqor только что связали с WhatsApp" in send.output
    assert "· telegram: sent 1" in send.output and "· whatsapp: sent 1" in send.output
    assert "pending" not in sent.output and sent.output.count(" sent · ") == 2
    identities = await db.all(
        select(ChannelIdentity.channel).join(Person).where(Person.full_name == "Ольга Ким")
    )
    assert sorted(identities) == ["telegram", "whatsapp"]


async def test_state_shows_the_conversation_and_reset_starts_afresh(app: App, db: Db) -> None:
    _, steps = await transcript(
        app,
        ":state",
        "/start",
        ":state",
        "3",
        "1",
        "Volunteer",
        ":state",
        ":as new-wa",
        "/start",
        ":state",
        ":reset",
        ":who",
        ":state",
    )
    empty, _, language, _, _, _, registered, _, _, wa_state, reset, who, after = steps
    assert "no conversation under way" in empty.output
    assert "state: StartFlow:language" in language.output
    assert "state: VolunteerFlow:name" in registered.output  # on into the application
    assert "WhatsApp +" in wa_state.output and "state: StartFlow:language" in wa_state.output
    assert "a fresh demo database; you are a new user" in reset.output
    listed = re.findall(r"^ +\d+\. (.+?) — ", who.output, re.MULTILINE)
    assert len(listed) == 7 and "Асель Бекова" not in listed[:6]
    assert "no conversation under way" in after.output
    assert await db.count(Person) == 11  # the demo again; the volunteer registered is gone
    assert await db.scalar(select(func.count()).select_from(Site)) == 2


def test_newcomers_and_demo_people_have_names_of_their_own() -> None:
    demo_first = {full_name.split()[0] for _, full_name, *_ in PERSONAS}
    newcomers_first = [name.split()[0] for name in NEWCOMERS]
    assert len(set(newcomers_first)) == len(NEWCOMERS)
    assert not demo_first & set(newcomers_first)


async def test_in_the_simulator_every_options_step_re_offers_after_a_wrong_answer(
    app: App, db: Db
) -> None:
    """Must-show of "What a new user meets", in the simulator: "Сәлем" from a new WhatsApp
    number opens the language choice; every wrong answer gets the options again; /language
    during consent switches and asks again; "/Start" is /start."""
    _, steps = await transcript(
        app,
        ":as new-wa",
        "Сәлем",
        "хм",
        "2",
        "не знаю",
        "/language",
        "3",
        "7",
        "1",
        "who?",
        "2",
        ":as new",
        "/Start",
        "x",
        ":as admin",
        "/invite",
        "хм",
        "3",
    )

    def numbered(output: str) -> list[str]:
        return re.findall(r"^ +\d+\. (.*)$", output, re.MULTILINE)

    wa = [s for s in steps if "WhatsApp" in s.persona]
    greeting, wrong_language, russian, wrong_consent, language, english, *_ = wa
    assert numbered(greeting.output) == ["Қазақша", "Русский", "English"]
    assert "reply with the number" not in greeting.output
    assert numbered(wrong_language.output) == ["Қазақша", "Русский", "English"]
    assert "нөмірін жіберіңіз" in wrong_language.output  # guessed Kazakh: WhatsApp tells none
    assert "Даю согласие" in russian.output
    assert wrong_consent.output.startswith("🤖 Пожалуйста, отправьте номер")
    assert numbered(wrong_consent.output) == ["✅ Даю согласие", "✖️ Не даю согласия"]
    assert numbered(language.output) == ["Қазақша", "Русский", "English"]
    assert "Done: I will speak English with you." in english.output
    assert ENGLISH_CONSENT in english.output and "✅ I agree" in english.output
    wrong_step = next(s for s in wa if s.typed == "7")
    assert "Please reply with the number of your choice" in wrong_step.output
    assert numbered(wrong_step.output) == ["✅ I agree", "✖️ I do not agree"]
    wrong_role = next(s for s in wa if s.typed == "who?")
    assert numbered(wrong_role.output)[:2] == ["🙋 Volunteer (camp leader)", "👪 Parent"]
    assert "You are registered as: Parent." in wa[-2].output  # the last is ":as new"

    telegram_start = next(s for s in steps if s.typed == "/Start")
    assert numbered(telegram_start.output) == ["Қазақша", "Русский", "English"]
    wrong_telegram = next(s for s in steps if s.typed == "x")
    assert (
        "tap one of the buttons" in wrong_telegram.output or "түймелердің" in wrong_telegram.output
    )
    assert numbered(wrong_telegram.output) == ["Қазақша", "Русский", "English"]

    invite = next(s for s in steps if s.typed == "/invite")
    wrong_invite = next(s for s in steps if s.typed == "хм" and "admin" in s.persona)
    assert numbered(wrong_invite.output) == numbered(invite.output) != []
    assert "Педагог" in next(s for s in steps if s.typed == "3" and "admin" in s.persona).output
