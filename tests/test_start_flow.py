"""/start → language → consent → role, over real HTTP to the stand-in, on a real database."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.middlewares.commands import lowered_command
from services.roles import Role
from storage.models.people import ConsentRecord, Person, RoleGrant
from tests.builders import registered
from tests.conftest import Db, MakeUser


async def test_newcomer_registers_as_volunteer(make_user: MakeUser, db: Db) -> None:
    user = make_user("Айгерім", "ru")
    await user.send("/start")
    assert user.buttons() == ["Қазақша", "Русский", "English"]
    await user.press("English")
    assert "Operator" in user.last_text
    assert await db.count(Person) == 0
    await user.press("I agree")
    assert user.last_text == "Who are you?"
    await user.press("Volunteer")
    person = await db.scalar(select(Person))
    assert person is not None and person.locale == "en" and person.full_name == "Айгерім"
    assert await db.all(select(RoleGrant.role)) == ["volunteer"]
    consent = await db.scalar(select(ConsentRecord))
    assert consent is not None and consent.purpose == "self"


async def test_commands_in_any_case_and_start_words(make_user: MakeUser, app: App) -> None:
    """Phones capitalise: "/Start" and "/HELP" are commands; outside a conversation "Старт",
    "мәзір" or "menu" open /start too (WhatsApp has no command menu)."""
    newcomer = make_user("Айгерім", "en")
    await newcomer.send("/Start")
    assert newcomer.buttons() == ["Қазақша", "Русский", "English"]
    await newcomer.press("English")
    await newcomer.send("старт")  # mid-conversation: a word, not a restart
    assert newcomer.last_text.endswith(
        "Do you agree to the processing of your data as described above?"
    )

    member = make_user("Гүлнар", "en")
    await registered(app, member, Role.PARENT)
    await member.send("/HELP")
    assert "/mydata" in member.last_text
    for word in ("Старт", "мәзір", "Menu!"):
        await member.send(word)
        assert "/mydata" in member.last_text, word  # the welcome back and the menu
        assert "Welcome back, Гүлнар!" in member.texts()[-2]


def test_only_the_command_is_lowered() -> None:
    assert lowered_command("/Start AbC12") == "/start AbC12"
    assert lowered_command("/HELP@Qamqor_Bot") == "/help@Qamqor_Bot"
    assert lowered_command("Сәлем /Start") == "Сәлем /Start"


async def test_a_newcomers_first_words_open_the_language_choice(
    make_user: MakeUser, db: Db
) -> None:
    """Nobody on WhatsApp knows /start: "Сәлем", "Hi", anything first starts onboarding."""
    for words in ("Сәлем", "Hi", "здравствуйте, как записать ребёнка?"):
        newcomer = make_user("Жаңа", "en")
        await newcomer.send(words)
        assert newcomer.buttons() == ["Қазақша", "Русский", "English"], words
        assert newcomer.last_text.startswith("Сәлеметсіз бе!")
    assert await db.count(Person) == 0


async def test_a_bad_invite_before_the_language_choice_reads_in_the_guessed_language(
    make_user: MakeUser, app: App
) -> None:
    """Telegram tells the person's language; WhatsApp does not, so every language is shown."""
    russian = make_user("Ольга", "ru")
    await russian.send("/start NOSUCHCODE1")
    problem = russian.texts()[-2]
    msgid = "This invite link is not valid. Check it or ask for a new one."
    each = [app.i18n.gettext(msgid, locale=locale) for locale in ("kk", "ru", "en")]
    if russian.channel == "whatsapp":
        assert problem == "\n\n".join(each)
    else:
        assert problem == each[1]
    assert russian.buttons() == ["Қазақша", "Русский", "English"]

    german = make_user("Hans", "de")  # a language we do not speak is no guess either
    await german.send("/start NOSUCHCODE1")
    assert german.texts()[-2] == "\n\n".join(each)
