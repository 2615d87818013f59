"""The foundation's conversations end to end: real Dispatcher, stand-in over HTTP, real database."""

from __future__ import annotations

import json

from aiogram.utils.i18n import gettext as _
from sqlalchemy import select

from bot.app import App
from handlers.common.conversation import in_each_language
from services.roles import Role
from storage.models.invites import Invite
from storage.models.people import ChannelIdentity, ConsentRecord, Person, RoleGrant
from storage.models.whatsapp import WhatsAppChat
from tests.builders import asked_again, registered
from tests.conftest import ChatUser, Db, MakeUser
from tests.driver import TelegramUser


def newcomer_text(app: App, user: ChatUser, message: str) -> str:
    """What a newcomer reads before choosing a language: Telegram guesses it, WhatsApp cannot."""
    return app.i18n.gettext(message, locale=user.newcomer_locale)


async def start_in_english(user: ChatUser) -> None:
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")


async def test_parent_consents_for_children_too(make_user: MakeUser, db: Db) -> None:
    user = make_user("Ольга", "ru")
    await start_in_english(user)
    await user.press("Parent")
    purposes = sorted(await db.all(select(ConsentRecord.purpose)))
    assert purposes == ["parent_for_children", "self"]
    assert "Parent" in user.texts()[-2]


async def test_teacher_without_invite_is_told_to_ask_for_one(make_user: MakeUser, db: Db) -> None:
    user = make_user("Ерлан")
    await start_in_english(user)
    await user.press("Teacher")
    assert "invite link" in user.texts()[-3]  # then /help, then parent or volunteer meanwhile
    assert await db.all(select(RoleGrant.role)) == []
    assert await db.count(Person) == 1


async def test_declining_consent_stores_nothing(app: App, make_user: MakeUser, db: Db) -> None:
    user = make_user(language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.press("I do not agree")
    assert "nothing about you is stored, only the language you chose" in user.last_text
    assert await db.count(Person) == 0
    await user.press_data("role:volunteer")  # an old button after the flow ended
    assert user.alerts()[-1] == "This button is out of date."  # in the language chosen
    assert await db.count(Person) == 0


async def test_the_chosen_language_sticks_after_a_decline_and_a_cancel(
    make_user: MakeUser,
) -> None:
    """Русский, then "I do not agree": "привет" is answered in Russian, and /start asks in
    it again. English, "I agree", /cancel: the next reply is in English."""
    declining = make_user(language_code="kk")
    await declining.send("/start")
    await declining.press("Русский")
    await declining.press("Не даю согласия")
    await declining.send("привет")
    assert declining.last_text == "Здравствуйте! Чтобы начать, отправьте /start."
    await declining.send("/start")
    await declining.press("Русский")
    assert "Даю согласие" in " ".join(declining.buttons())

    cancelling = make_user(language_code="kk")
    await cancelling.send("/start")
    await cancelling.press("English")
    await cancelling.press("I agree")
    await cancelling.send("/cancel")
    assert cancelling.last_text.startswith("Cancelled.")
    await cancelling.send("hello")
    assert cancelling.last_text == "Hello! Send /start to begin."


def retry_hint(user: ChatUser) -> str:
    if isinstance(user, TelegramUser):
        return "Please tap one of the buttons below, or send /cancel."
    return "Please reply with the number of your choice, or send /cancel."


async def test_bad_input_at_every_state_reprompts_and_changes_nothing(
    app: App, make_user: MakeUser, db: Db
) -> None:
    """Every wrong answer gets the question again with its options: "2" and the options' own
    words keep working after any number of wrong answers."""
    user = make_user(language_code="en")
    await user.send("/start")
    await user.send("hello?")
    assert user.buttons() == ["Қазақша", "Русский", "English"]
    await user.press_data("lang:xx")  # a forged language
    assert user.alerts()[-1] == newcomer_text(app, user, "This button is out of date.")
    await user.press("English")
    consent = user.buttons()
    for wrong in ("maybe", "7", "yes please"):
        await user.send(wrong)
        assert user.last_text == (
            f"{retry_hint(user)}\n\nDo you agree to the processing of your data as described above?"
        )
        assert user.buttons() == consent
    await user.press_data("role:volunteer")  # a button of a later step
    assert await db.count(Person) == 0
    await user.press("I agree")
    roles = user.buttons()
    await user.send("I am a teacher")
    assert user.last_text == f"{retry_hint(user)}\n\nWho are you?"
    assert user.buttons() == roles
    await user.send("0")
    assert user.buttons() == roles
    await user.press_data("consent:1")  # a button of an earlier step
    assert await db.count(Person) == 0
    await user.press("Volunteer")
    assert await db.count(Person) == 1


async def test_wrong_answers_while_inviting_or_choosing_a_language_re_offer_the_options(
    app: App, make_user: MakeUser, db: Db
) -> None:
    """As admin: /invite → "хм" → the roles again; "Педагог"-like text or a number still
    works after it. /language → "x" → the languages again, then "3" works on WhatsApp."""
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN, locale="en")
    await registered(app, make_user(), Role.TEACHER)  # a club to choose from
    await admin.send("/invite")
    roles = admin.buttons()
    await admin.send("хм")
    assert admin.last_text == f"{retry_hint(admin)}\n\nWhom do you want to invite?"
    assert admin.buttons() == roles
    await admin.send("хм")
    assert admin.buttons() == roles
    await admin.press("Teacher")
    places = admin.buttons()
    await admin.send("this one")
    assert admin.buttons() == places
    await admin.press(places[0])
    assert "/start " in admin.last_text
    await admin.send("/language")
    await admin.send("x")
    assert admin.last_text == f"{retry_hint(admin)}\n\nChoose a language:"
    assert admin.buttons() == ["Қазақша", "Русский", "English"]
    await admin.press("Русский")
    assert admin.last_text == "Готово: теперь я говорю с вами по-русски."
    await admin.send("x")
    assert admin.last_text == "Извините, я вас не понял. /help покажет, что я умею."


async def test_language_during_consent_switches_and_asks_again(make_user: MakeUser) -> None:
    user = make_user(language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.send("/language")
    await user.press("Русский")
    assert user.texts()[-2] == "Готово: теперь я говорю с вами по-русски."
    assert user.last_text.startswith("Прежде чем начать")
    assert "Даю согласие" in " ".join(user.buttons())
    await user.press("Даю согласие")
    assert user.last_text == "Кто вы?"


async def test_global_commands_work_during_onboarding_and_the_step_goes_on(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user(language_code="en")
    await user.send("/start")
    await user.press("English")
    consent = user.buttons()
    await user.send("/help")
    assert user.texts()[-2].startswith("You are registering: answer the question below")
    # The long text is above already: the question alone, with its options.
    assert user.last_text == "Do you agree to the processing of your data as described above?"
    assert user.buttons() == consent
    await user.send("/mydata")
    assert user.texts()[-2] == "We store nothing about you: you have not registered."
    await user.send("/link")
    assert user.texts()[-2].startswith("To use Qamqor here, send /start.")
    await user.press("I agree")
    await user.send("/HELP")
    assert user.texts()[-2].startswith("You are registering")
    assert user.last_text == "Who are you?"
    await user.press("Parent")
    assert await db.count(Person) == 1


async def test_cancel_leaves_any_state(app: App, make_user: MakeUser, db: Db) -> None:
    user = make_user(language_code="en")
    await user.send("/cancel")
    nothing = "There is nothing to cancel. /help shows what I can do."
    assert user.last_text == newcomer_text(app, user, nothing)
    await user.send("/start")
    await user.press("English")
    await user.send("/cancel")
    assert user.last_text.startswith("Cancelled.")
    await user.press("I agree")  # the consent buttons are stale now
    if isinstance(user, TelegramUser):
        assert user.alerts()[-1] == "This button is out of date."
    else:  # the numbered options closed with the conversation: "1" is plain text now
        assert user.last_text == "Hello! Send /start to begin."  # in the language chosen
    assert await db.count(Person) == 0


async def test_help_differs_by_role(app: App, make_user: MakeUser) -> None:
    admin, volunteer = make_user("Гүлнар"), make_user("Айгерім")
    await registered(app, admin, Role.ADMIN)
    await registered(app, volunteer, Role.VOLUNTEER)
    await admin.send("/help")
    await volunteer.send("/help")
    assert "/invite" in admin.last_text and "Administrator" in admin.last_text
    assert "/invite" not in volunteer.last_text and "Volunteer" in volunteer.last_text


async def test_earlier_features_commands_work_inside_a_later_flow(
    app: App, make_user: MakeUser
) -> None:
    """Features' routers are ordered: an admin making an invite can still ask for /help, and
    is then asked the invite's question again, with its options."""
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN, locale="en")
    await admin.send("/invite")
    roles = admin.buttons()
    await admin.send("/help")
    assert "/invite" in admin.texts()[-2] and "Administrator" in admin.texts()[-2]
    assert admin.last_text == "Whom do you want to invite?"
    assert admin.buttons() == roles
    await admin.send("/nonsense")
    assert admin.texts()[-2] == "I don't know this command. /help shows what I can do."
    assert admin.buttons() == roles


async def test_command_of_another_role_is_refused(app: App, make_user: MakeUser, db: Db) -> None:
    volunteer = make_user()
    await registered(app, volunteer, Role.VOLUNTEER)
    await volunteer.send("/invite")
    assert volunteer.last_text.startswith("Sorry, /invite is only for administrators.")
    assert await db.count(Invite) == 0
    await volunteer.press_data("inv_role:admin")  # a forged admin button
    assert volunteer.alerts()[-1] == "This button is out of date."
    assert await db.count(Invite) == 0


async def test_invite_deep_link_grants_scoped_role_to_newcomer(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, teacher = make_user("Гүлнар"), make_user("Ерлан")
    await registered(app, admin, Role.ADMIN)
    await registered(app, make_user(), Role.TEACHER)  # creates a club
    await admin.send("/invite")
    await admin.press("Teacher")
    await admin.press("Robotics")
    link = next(word for word in admin.last_text.split() if word.startswith("https://t.me/"))
    assert link.startswith("https://t.me/qamqor_test_bot?start=")
    code = link.split("start=")[1]

    await teacher.send(f"/start {code}")
    await teacher.press("English")
    await teacher.press("I agree")
    assert teacher.last_text == "Done! You are now Teacher: Robotics."
    person_id = await db.scalar(select(Person.id).where(Person.full_name == "Ерлан"))
    grant = await db.scalar(select(RoleGrant).where(RoleGrant.person_id == person_id))
    assert grant.role == "teacher" and grant.club_id is not None
    if isinstance(teacher, TelegramUser):  # WhatsApp has no command menu
        # The menu of the chat now has the teacher's commands, in the teacher's language.
        assert "start" in teacher.menu() and "invite" not in teacher.menu()

    stranger = make_user("Someone", "en")
    await stranger.send(f"/start {code}")
    used = "This invite link has already been used. Ask the administrator for a new one."
    if isinstance(stranger, TelegramUser):
        assert stranger.texts()[0] == newcomer_text(app, stranger, used)
    else:  # no language known yet: all three
        with app.i18n.context():
            assert stranger.texts()[0] == in_each_language(app.i18n, lambda: _(used))


async def test_member_opens_invite_link(app: App, make_user: MakeUser, db: Db) -> None:
    admin, volunteer = make_user(), make_user()
    await registered(app, admin, Role.ADMIN)
    person_id = await registered(app, volunteer, Role.VOLUNTEER)
    await admin.send("/invite")
    await admin.press("Regional coordinator")
    await admin.press("More ▸")  # in English order Karaganda is the eleventh region
    await admin.press("Karaganda")
    code = admin.last_text.split("start=")[1].split()[0]
    await volunteer.send(f"/start {code}")
    assert volunteer.last_text == "Done! You are now Regional coordinator: Karaganda Region."
    if isinstance(volunteer, TelegramUser):
        assert "invite" not in volunteer.menu()
    roles = await db.all(select(RoleGrant.role).where(RoleGrant.person_id == person_id))
    assert sorted(roles) == ["coordinator", "volunteer"]
    await volunteer.send("/start not-a-code")
    assert volunteer.last_text.startswith("This invite link is not valid")


async def test_mydata_returns_everything_about_me(app: App, make_user: MakeUser) -> None:
    user = make_user("Айгерім")
    await registered(app, user, Role.VOLUNTEER)
    await user.send("/mydata")
    filename, body, caption = await user.document()
    data = json.loads(body)
    assert filename.endswith(".json")
    assert data["person"]["full_name"] == "Айгерім"
    assert data["channels"] == [
        {
            "channel": user.channel,
            "external_id": user.external_id,
            "blocked": False,
            "created_at": data["channels"][0]["created_at"],
        }
    ]
    assert [r["role"] for r in data["roles"]] == ["volunteer"]
    assert data["consents"][0]["purpose"] == "self"
    assert "child" not in caption  # nothing to say about children she does not have
    if user.channel == "whatsapp":  # the number and its 24-hour window are personal data too
        assert [c["address"] for c in data["whatsapp_chats"]] == [user.external_id]


async def test_forget_deletes_me_after_confirmation(app: App, make_user: MakeUser, db: Db) -> None:
    user = make_user(language_code="en")
    await registered(app, user, Role.PARENT)
    await user.send("/forget")
    await user.send("what?")
    assert user.last_text.startswith(asked_again(user, "This deletes your registration"))
    await user.press("No, keep my data")
    assert user.last_text == "Nothing was deleted."
    assert await db.count(Person) == 1
    await user.send("/forget")
    await user.press("Yes, delete everything")
    assert user.last_text.startswith("Everything about you has been deleted.")
    for model in (Person, ChannelIdentity, RoleGrant, ConsentRecord, WhatsAppChat):
        assert await db.count(model) == 0
    if isinstance(user, TelegramUser):
        deleted = user.standin.calls("deleteMyCommands")
        assert [r.params["scope"]["chat_id"] for r in deleted] == [user.id]
    await user.send("/mydata")
    nothing = "We store nothing about you: you have not registered."
    assert user.last_text == newcomer_text(app, user, nothing)


async def test_unknown_input_outside_flows(app: App, make_user: MakeUser) -> None:
    newcomer, member = make_user(language_code="en"), make_user()
    await newcomer.send("/help")
    assert newcomer.last_text == newcomer_text(
        app, newcomer, "Send /start to register: it takes a minute."
    )
    await registered(app, member, Role.VOLUNTEER)
    await member.send("what is this")
    assert member.last_text == "Sorry, I didn't understand. /help shows what I can do."
    await member.send("/nonsense")
    assert member.last_text == "I don't know this command. /help shows what I can do."
    await member.send("/start")
    assert member.texts()[-2].startswith("Welcome back")


async def test_language_switch_changes_every_later_message(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user("Дана", "en")
    person_id = await registered(app, user, Role.VOLUNTEER, locale="en")
    await user.send("blah")
    assert user.last_text == "Sorry, I didn't understand. /help shows what I can do."
    await user.send("/language")
    await user.press("Русский")
    assert user.last_text == "Готово: теперь я говорю с вами по-русски."
    await user.send("blah")
    assert user.last_text == "Извините, я вас не понял. /help покажет, что я умею."
    assert await db.scalar(select(Person.locale).where(Person.id == person_id)) == "ru"
    if isinstance(user, TelegramUser):
        menu = user.standin.calls("setMyCommands")[-1].params["commands"]
        assert menu[0] == {"command": "start", "description": "Начать или начать заново"}
    await user.send("/language")
    await user.press("Қазақша")
    await user.send("blah")
    assert user.last_text == "Кешіріңіз, түсінбедім. Не істей алатынымды /help көрсетеді."


async def test_newcomer_language_guess_and_choice(make_user: MakeUser) -> None:
    russian, unknown = make_user(language_code="ru"), make_user(language_code="de")
    await russian.send("/help")
    if isinstance(russian, TelegramUser):  # WhatsApp does not tell the person's language
        assert russian.last_text == "Чтобы зарегистрироваться, отправьте /start: это займёт минуту."
    await unknown.send("/help")
    assert unknown.last_text != "Send /start to register: it takes a minute."  # Kazakh
    await unknown.send("/language")
    await unknown.press("English")
    await unknown.send("hi")
    assert unknown.last_text == "Hello! Send /start to begin."


async def test_invite_used_up_during_consent_falls_back_to_role_choice(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, first, second = make_user(), make_user("Бірінші", "en"), make_user("Екінші", "en")
    await registered(app, admin, Role.ADMIN)
    await admin.send("/invite")
    await admin.press("Administrator")
    code = admin.last_text.split("start=")[1].split()[0]
    await first.send(f"/start {code}")
    await second.send(f"/start {code}")  # both open the same one-use link
    for user in (first, second):
        await user.press("English")
        await user.press("I agree")
    assert first.last_text == "Done! You are now Administrator."
    assert second.last_text == "Who are you?"
    assert second.texts()[-2].startswith("This invite link has already been used")
    assert await db.scalar(select(Person.id).where(Person.full_name == "Екінші")) is None
    await second.press("Volunteer")
    person_id = await db.scalar(select(Person.id).where(Person.full_name == "Екінші"))
    roles = await db.all(select(RoleGrant.role).where(RoleGrant.person_id == person_id))
    assert roles == ["volunteer"]
