"""Roles change after registration: /role, /staff, /invites and the last administrator, end to
end through the real Dispatcher on every channel."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from services.roles import Role
from storage.models.invites import Invite
from storage.models.messaging import OutboxMessage
from storage.models.org import Club
from storage.models.people import ChannelIdentity, ConsentRecord, Person, RoleGrant
from tests.builders import asked_again, registered
from tests.conftest import Db, MakeUser
from tests.driver import TelegramUser


async def roles_of(db: Db, person_id: int) -> list[str]:
    return sorted(await db.all(select(RoleGrant.role).where(RoleGrant.person_id == person_id)))


async def person_named(db: Db, name: str) -> int:
    return int(await db.scalar(select(Person.id).where(Person.full_name == name)))


async def test_teacher_without_invite_becomes_a_parent_later(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user("Ерлан", "en")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    await user.press("Teacher")
    assert any("invite link" in text for text in user.texts()[-3:])
    assert user.last_text.startswith("Meanwhile you can take part as a parent or a volunteer")
    assert user.buttons() == ["👪 Parent", "🙋 Volunteer (camp leader)", "Not now"]
    person_id = await person_named(db, "Ерлан")
    assert await roles_of(db, person_id) == []
    await user.press("Not now")  # a way out that adds nothing
    assert user.last_text == "All right. /role adds a role whenever you like."
    await user.send("thanks")
    assert user.last_text == "Sorry, I didn't understand. /help shows what I can do."
    assert await roles_of(db, person_id) == []

    await user.send("/help")  # the offer is not a trap: commands still work
    await user.send("/start")  # a person with no role is offered the choice again
    assert user.texts()[-3].startswith("Welcome back")
    assert user.last_text.startswith("Meanwhile")

    await user.send("/role")
    assert "You have no role yet." in user.texts()[-2]
    assert "invite link" in user.texts()[-2]
    assert user.last_text == "Which role would you like to add?"
    await user.press("Parent")
    assert user.texts()[-2] == "Done! Role added: Parent."
    assert user.last_text.startswith("Your roles: Parent.")
    assert await roles_of(db, person_id) == ["parent"]
    purposes = await db.all(
        select(ConsentRecord.purpose).where(ConsentRecord.person_id == person_id)
    )
    assert sorted(purposes) == ["parent_for_children", "self"]
    if isinstance(user, TelegramUser):
        assert "role" in user.menu()

    await user.send("/role")  # only what she lacks is offered
    assert user.texts()[-2].startswith("Your roles: Parent.")
    assert user.buttons() == ["🙋 Volunteer (camp leader)", "Not now"]
    await user.press("Volunteer")
    assert await roles_of(db, person_id) == ["parent", "volunteer"]
    await user.send("/role")
    assert user.last_text == "You already have every role you can choose yourself."


async def test_role_reasks_with_its_options_and_refuses_staff_roles(
    app: App, make_user: MakeUser, db: Db
) -> None:
    user = make_user("Айгерім", "en")
    person_id = await registered(app, user, Role.VOLUNTEER)
    await user.send("/role")
    await user.send("I want to be a teacher")
    assert user.last_text == asked_again(user, "Which role would you like to add?")
    assert user.buttons() == ["👪 Parent", "Not now"]
    await user.press_data("add_role:teacher")  # a forged button
    assert user.alerts()[-1] == "This button is out of date."
    await user.press_data("add_role:volunteer")  # held already (another channel, say)
    assert user.last_text == "You already have this role."
    assert await roles_of(db, person_id) == ["volunteer"]
    await user.press_data("add_role:parent")  # the step is over
    assert user.alerts()[-1] == "This button is out of date."
    assert await roles_of(db, person_id) == ["volunteer"]

    newcomer = make_user("Жаңа", "en")
    await newcomer.send("/role")
    hello = "Hello! Send /start to begin."
    assert newcomer.last_text == app.i18n.gettext(hello, locale=newcomer.newcomer_locale)


async def test_admin_revokes_a_teacher_who_is_told_in_their_language(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, teacher = make_user("Гүлнар", "en"), make_user("Ерлан", "ru")
    await registered(app, admin, Role.ADMIN)
    teacher_id = await registered(app, teacher, Role.TEACHER, Role.PARENT, locale="ru")
    await admin.send("/staff")
    assert admin.last_text == "People with a staff role. Whose role do you want to revoke?"
    assert admin.buttons() == ["Гүлнар · Administrator", "Ерлан · Teacher — Robotics"]  # by name
    await admin.send("someone")  # the question again, with its options
    question = "People with a staff role. Whose role do you want to revoke?"
    assert admin.last_text == asked_again(admin, question)
    await admin.press("Ерлан")
    assert admin.last_text == "Ерлан: which role do you want to revoke?"
    assert admin.buttons() == ["✖️ Teacher — Robotics"]  # staff roles only, not "parent"
    await admin.send("?")
    assert admin.buttons() == ["✖️ Teacher — Robotics"]
    await admin.press("Teacher")
    assert admin.last_text == "Revoke the role “Teacher — Robotics” from Ерлан? They will be told."
    await admin.send("hmm")
    question = "Revoke the role “Teacher — Robotics” from Ерлан? They will be told."
    assert admin.last_text == asked_again(admin, question)
    await admin.press("Yes, revoke it")
    done = "Done: Ерлан no longer has the role “Teacher — Robotics”. They will be told."
    assert admin.last_text == done
    assert await roles_of(db, teacher_id) == ["parent"]

    identities = select(ChannelIdentity.id).where(ChannelIdentity.person_id == teacher_id)
    notices = await db.all(select(OutboxMessage).where(OutboxMessage.identity_id.in_(identities)))
    assert [n.kind for n in notices] == ["role_revoked"]
    assert notices[0].payload["locale"] == "ru"
    told = "Администрация сняла с вас роль: Педагог — Robotics."
    assert notices[0].payload["text"].startswith(told)

    await teacher.send("/help")  # the cache heard of the change
    assert "Педагог" not in teacher.last_text
    await admin.press_data("revoke:1:1")  # an old confirmation
    assert admin.alerts()[-1] == "This button is out of date."
    await admin.send("/staff")
    assert admin.buttons() == ["Гүлнар · Administrator"]


async def test_admin_cancels_an_open_invite_and_its_code_fails(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN)
    await admin.send("/invites")
    assert admin.last_text == "There are no open invites. /invite makes one."
    await admin.send("/invite")
    await admin.press("Administrator")
    code = admin.last_text.split("start=")[1].split()[0]
    await admin.send("/invites")
    assert admin.last_text.startswith("Open invites, the soonest to expire first.")
    [label] = admin.buttons()
    assert label.startswith("✖️ Administrator · until ")
    await admin.send("the first one")
    assert admin.buttons() == [label]
    await admin.send("/staff")  # another admin command inside the list: it works
    assert admin.buttons() == ["Гүлнар · Administrator"]
    await admin.send("/invites")
    await admin.press("Administrator")
    assert admin.last_text == "Cancelled: the invite for Administrator. Its link no longer works."
    invite = await db.scalar(select(Invite).where(Invite.code == code))
    assert invite.revoked_at is not None
    await admin.send("/invites")
    assert admin.last_text == "There are no open invites. /invite makes one."

    stranger = make_user("Бөтен", "en")
    await stranger.send(f"/start {code}")
    cancelled = "This invite link was cancelled by the administrator."
    if stranger.channel == "whatsapp":  # no language known yet: each of ours
        each = [app.i18n.gettext(cancelled, locale=locale) for locale in ("kk", "ru", "en")]
        assert stranger.texts()[0] == "\n\n".join(each)
    else:
        assert stranger.texts()[0] == cancelled
    assert await db.scalar(select(Invite.uses).where(Invite.code == code)) == 0

    await admin.send("/invite")
    await admin.press("Administrator")
    await admin.send("/invites")
    await admin.press_data(f"inv_cancel:{invite.id}")  # cancelled before
    assert admin.alerts()[-1] == "This invite has already been cancelled."


async def test_admin_commands_are_refused_to_others(app: App, make_user: MakeUser, db: Db) -> None:
    teacher = make_user("Ерлан", "en")
    teacher_id = await registered(app, teacher, Role.TEACHER)
    for command in ("/staff", "/invites"):
        await teacher.send(command)
        assert teacher.last_text.startswith(f"Sorry, {command} is only for administrators.")
    grant_id = await db.scalar(select(RoleGrant.id).where(RoleGrant.person_id == teacher_id))
    await teacher.press_data(f"revoke:{grant_id}:1")
    assert teacher.alerts()[-1] == "This button is out of date."
    assert await roles_of(db, teacher_id) == ["teacher"]


async def test_the_last_admin_cannot_leave_until_there_is_another(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, second = make_user("Гүлнар", "en"), make_user("Дана", "en")
    admin_id = await registered(app, admin, Role.ADMIN)
    await admin.send("/forget")
    assert admin.last_text.startswith("You are the only administrator, so your data cannot be")
    assert "/invite" in admin.last_text
    await admin.press_data("forget:1")  # no confirmation was asked
    assert admin.alerts()[-1] == "This button is out of date."
    await admin.send("/staff")
    await admin.press("Гүлнар")
    await admin.press("Administrator")
    await admin.press("Yes, revoke it")
    assert admin.last_text.startswith("You are the only administrator, so this role cannot be")
    assert await roles_of(db, admin_id) == ["admin"]

    second_id = await registered(app, second, Role.ADMIN)
    await admin.send("/forget")
    await second.send("/forget")  # both asked to confirm: two admins
    await second.press("Yes, delete everything")
    assert second.last_text.startswith("Everything about you has been deleted.")
    await admin.press("Yes, delete everything")  # the other one left meanwhile
    assert admin.last_text.startswith("You are the only administrator, so your data cannot be")
    assert await roles_of(db, admin_id) == ["admin"]
    assert await db.scalar(select(Person.id).where(Person.id == second_id)) is None

    third = make_user("Сәуле", "en")
    await registered(app, third, Role.ADMIN)
    await admin.send("/forget")
    await admin.press("Yes, delete everything")
    assert admin.last_text.startswith("Everything about you has been deleted.")
    assert await db.scalar(select(Person.id).where(Person.id == admin_id)) is None


async def test_an_admin_may_give_up_the_role_while_another_keeps_it(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin, other = make_user("Гүлнар", "en"), make_user("Дана", "en")
    admin_id = await registered(app, admin, Role.ADMIN, Role.VOLUNTEER)
    await registered(app, other, Role.ADMIN)
    await admin.send("/staff")
    await admin.press("Гүлнар")
    await admin.press("Administrator")
    await admin.press("Yes, revoke it")
    assert admin.last_text.startswith("Done: Гүлнар no longer has the role “Administrator”.")
    assert await roles_of(db, admin_id) == ["volunteer"]
    if isinstance(admin, TelegramUser):
        assert "staff" not in admin.menu()
    await admin.send("/staff")
    assert admin.last_text.startswith("Sorry, /staff is only for administrators.")


async def test_staff_list_pages_nine_at_a_time(app: App, make_user: MakeUser, db: Db) -> None:
    admin = make_user("Айдана", "en")
    await registered(app, admin, Role.ADMIN)
    for n in range(10):
        await registered(app, make_user(f"Педагог {n:02}"), Role.TEACHER)
    await admin.send("/staff")
    first = admin.buttons()
    assert len(first) == 10 and first[-1] == "More ▸"
    assert first[0] == "Айдана · Administrator"
    await admin.press("More")
    assert admin.buttons() == ["Педагог 08 · Teacher — Robotics", "Педагог 09 · Teacher — Robotics"]
    await admin.send("which?")  # the page shown last, again
    assert admin.buttons() == ["Педагог 08 · Teacher — Robotics", "Педагог 09 · Teacher — Robotics"]
    await admin.press("Педагог 09")
    await admin.press("Teacher")
    await admin.press("Yes, revoke it")
    teacher_id = await person_named(db, "Педагог 09")
    assert await roles_of(db, teacher_id) == []


async def test_staff_list_reads_in_the_admins_language_and_alphabet(
    app: App, make_user: MakeUser, db: Db
) -> None:
    """A Russian-reading admin sees the club's Russian name, and Ә sorts after А, not after Я
    (code-point order would put "Әсем" last)."""
    async with db.sessions() as session:
        session.add(
            Club(
                name="Домбыра",
                name_kk="Домбыра үйірмесі",
                name_ru="Кружок домбры",
                name_en="Dombra club",
            )
        )
        await session.commit()
    admin = make_user("Гүлнар", "ru")
    await registered(app, admin, Role.ADMIN, locale="ru")
    for name in ("Ярослав", "Әсем", "Болат", "Айгерім"):
        await registered(app, make_user(name, "ru"), Role.TEACHER, locale="ru")
    await admin.send("/staff")
    assert admin.buttons() == [
        "Айгерім · Педагог — Кружок домбры",
        "Әсем · Педагог — Кружок домбры",
        "Болат · Педагог — Кружок домбры",
        "Гүлнар · Администратор",
        "Ярослав · Педагог — Кружок домбры",
    ]


async def test_an_admin_who_loses_the_role_mid_list_is_shown_nothing_more(
    app: App, make_user: MakeUser
) -> None:
    first, second = make_user("Гүлнар", "en"), make_user("Бақыт", "en")
    await registered(app, first, Role.ADMIN)
    await registered(app, second, Role.ADMIN)
    await first.send("/staff")
    await second.send("/staff")
    await second.press("Гүлнар")
    await second.press("Administrator")
    await second.press("Yes, revoke it")
    sent = len(first.texts())
    await first.send("someone")  # the list would be asked again: not to a non-admin
    assert first.texts()[sent:] == ["Sorry, I didn't understand. /help shows what I can do."]
    await first.send("/help")
    assert "Бақыт" not in " ".join(first.texts()[sent:])
    await first.send("/invite")  # still in Telegram's "/" menu, from when she was an admin
    assert first.last_text.startswith("Sorry, /invite is only for administrators.")
    if isinstance(first, TelegramUser):
        assert "invite" not in first.menu() and "help" in first.menu()


async def test_after_cancelling_an_invite_the_rest_are_offered_again(
    app: App, make_user: MakeUser, db: Db
) -> None:
    admin = make_user("Гүлнар", "en")
    await registered(app, admin, Role.ADMIN)
    await registered(app, make_user(), Role.TEACHER)  # a club for a teacher's invite
    await admin.send("/invite")
    await admin.press("Administrator")
    await admin.send("/invite")
    await admin.press("Teacher")
    await admin.press("Robotics")
    await admin.send("/invites")
    assert len(admin.buttons()) == 2
    await admin.press("Administrator")
    assert admin.texts()[-2].startswith("Cancelled: the invite for Administrator.")
    [left] = admin.buttons()
    assert left.startswith("✖️ Teacher — Robotics")
    await admin.press("Teacher")
    assert admin.last_text.startswith("Cancelled: the invite for Teacher")
    unused = select(func.count()).where(Invite.revoked_at.is_(None), Invite.uses == 0)
    assert await db.scalar(unused) == 0
