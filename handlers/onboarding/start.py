"""/start: language → consent → who are you (or an invite), for newcomers; a greeting otherwise."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import chosen_locale, end_conversation, in_each_language
from handlers.common.labels import role_label
from handlers.common.mappers import chat_of, newcomer
from handlers.common.menu import Menu
from handlers.common.steps import Ask, Asking, asking_from
from handlers.courses.certificates import verify_from_start
from handlers.invites.texts import granted_text, invite_problem_text
from handlers.onboarding import keyboards
from handlers.onboarding.callbacks import ConsentCb, LanguageCb, Who, WhoCb
from handlers.onboarding.states import StartFlow
from handlers.onboarding.texts import GREETING, consent_question, consent_text, help_text
from handlers.roles.offer import offer_first_role
from handlers.volunteers.parent import start_payload
from handlers.volunteers.status import begin_for
from services.channels import Channel
from services.consent import consent_for
from services.errors import AlreadyRegistered
from services.invites.invites import InviteProblem, check_invite, redeem_as_member
from services.locales import guess_locale, known_locale
from services.onboarding.registration import register
from services.people import Actor
from services.roles import Role

SELF_CHOSEN = {Who.VOLUNTEER: Role.VOLUNTEER, Who.PARENT: Role.PARENT}


async def cmd_start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    """Greets members (redeeming an invite if one came with the link) or starts registration."""
    remembered = await chosen_locale(state)
    await state.clear()
    code = (command.args or "").strip() or None
    # A certificate's QR code (courses): answered as /verify, for members and newcomers alike.
    if await verify_from_start(message, session, code, actor, remembered):
        return
    if code and await start_payload(message, code, state, session, actor, i18n, remembered):
        return  # a link of another feature's (a parent's consent)
    if actor is not None:
        if code is None:
            await message.answer(_("Welcome back, {name}!").format(name=actor.full_name))
            await message.answer(help_text(menu, actor.roles))
            await offer_first_role(bot, message.chat.id, state, actor.roles)
            return
        try:
            view = await redeem_as_member(session, actor.person_id, code, actor.locale)
        except InviteProblem as problem:
            await message.answer(invite_problem_text(problem.reason))
            return
        await message.answer(granted_text(view))
        await menu.publish(bot, message.chat.id, actor.roles | {view.role}, i18n, actor.locale)
        return
    user = message.from_user
    guessed = user.language_code if user else None
    if code is not None:
        try:
            await check_invite(session, code)
        except InviteProblem as problem:
            reason = problem.reason
            if remembered or known_locale(guessed):
                await message.answer(invite_problem_text(reason))
            else:  # WhatsApp says nothing of the language (nor "de" ours): all three, then
                await message.answer(in_each_language(i18n, lambda: invite_problem_text(reason)))
            code = None
    locale = remembered or guess_locale(guessed)
    await state.set_state(StartFlow.language)
    await state.set_data({"locale": locale, "invite": code})
    await message.answer(GREETING, reply_markup=keyboards.languages())


async def cb_language(
    query: CallbackQuery, callback_data: LanguageCb, state: FSMContext, i18n: I18n, **data: Any
) -> None:
    """Keeps the chosen language and shows the consent text in it."""
    await state.update_data(locale=callback_data.code)
    await state.set_state(StartFlow.consent)
    await query.answer()
    asking = asking_from({**data, "state": state}, callback_data.code, chat_of(query))
    assert asking is not None
    with i18n.use_locale(callback_data.code):
        await ask_consent(asking)


async def cb_consent_declined(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    """Without consent nothing is stored, and the person can come back any time."""
    await end_conversation(state)
    await query.answer()
    await bot.send_message(
        chat_of(query),
        _(
            "Understood: nothing about you is stored, only the language you chose, for two "
            "days. Send /start whenever you are ready."
        ),
    )


async def cb_consent_given(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
    channel: Channel,
) -> None:
    """With an invite, registration ends here; otherwise we ask who the person is."""
    await query.answer()
    chat = chat_of(query)
    data = await state.get_data()
    code = data.get("invite")
    if not code:
        await state.set_state(StartFlow.role)
        await bot.send_message(chat, who_are_you_question(), reply_markup=keyboards.who_are_you())
        return
    locale = data["locale"]
    await state.clear()  # committed with the registration
    try:
        registration = await register(
            session,
            newcomer(query.from_user, channel, locale),
            consent_for(locale),
            invite_code=code,
        )
    except InviteProblem as problem:
        # The invite went meanwhile: register without it, as anyone else.
        await state.set_state(StartFlow.role)
        await state.set_data({"locale": locale})
        await bot.send_message(chat, invite_problem_text(problem.reason))
        await bot.send_message(chat, who_are_you_question(), reply_markup=keyboards.who_are_you())
        return
    except AlreadyRegistered:
        await bot.send_message(chat, _("You are already registered. /help shows what I can do."))
        return
    assert registration.granted is not None
    await bot.send_message(chat, granted_text(registration.granted))
    await menu.publish(bot, chat, registration.actor.roles, i18n, locale)


async def cb_role(
    query: CallbackQuery,
    callback_data: WhoCb,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
    channel: Channel,
) -> None:
    """Volunteers and parents choose themselves; teachers and staff need an invite link."""
    await query.answer()
    chat = chat_of(query)
    locale = (await state.get_data())["locale"]
    role = SELF_CHOSEN.get(callback_data.who)
    await state.clear()
    try:
        registration = await register(
            session, newcomer(query.from_user, channel, locale), consent_for(locale), role=role
        )
    except AlreadyRegistered:
        await bot.send_message(chat, _("You are already registered. /help shows what I can do."))
        return
    if role is None:
        await bot.send_message(
            chat,
            _(
                "Teachers and Palace staff join with an invite link from the administration. "
                "Ask them for one and open it: your role will be set at once."
            ),
        )
    else:
        await bot.send_message(
            chat, _("Welcome! You are registered as: {role}.").format(role=role_label(role))
        )
    roles = registration.actor.roles
    await bot.send_message(chat, help_text(menu, roles))
    await menu.publish(bot, chat, roles, i18n, locale)
    if role is Role.VOLUNTEER:
        await begin_for(bot, chat, state, registration.actor)  # straight into the application
    await offer_first_role(bot, chat, state, roles)


def who_are_you_question() -> str:
    return _("Who are you?")


async def ask_language(asking: Asking) -> None:
    await asking.send(GREETING, keyboards.languages())


async def ask_consent(asking: Asking) -> None:
    """The whole text the first time and in a new language; asked again, the question alone
    (the text is above)."""
    text = consent_question() if asking.again else consent_text()
    await asking.send(text, keyboards.consent())


async def ask_role(asking: Asking) -> None:
    await asking.send(who_are_you_question(), keyboards.who_are_you())


STEPS: dict[State, Ask] = {
    StartFlow.language: ask_language,
    StartFlow.consent: ask_consent,
    StartFlow.role: ask_role,
}


# Words people type instead of /start (WhatsApp has no command menu), in kk, ru and en.
START_WORDS = frozenset({"start", "старт", "бастау", "menu", "меню", "мәзір"})


async def start_word(
    message: Message, actor: Actor | None = None, state: FSMContext | None = None
) -> dict[str, CommandObject] | bool:
    """A word like "Старт", "мәзір" or "menu", or anything a newcomer first says ("Сәлем",
    "Hi": nobody on WhatsApp knows /start): handled as the /start it means."""
    text = (message.text or "").strip()
    if text.startswith("/"):
        return False
    first_words = actor is None and (state is None or await chosen_locale(state) is None)
    if not first_words and text.strip(".!").casefold() not in START_WORDS:
        return False
    return {"command": CommandObject(prefix="/", command="start")}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_start, StateFilter(None), start_word)
    router.callback_query.register(
        cb_language, StateFilter(StartFlow.language), LanguageCb.filter()
    )
    router.callback_query.register(
        cb_consent_declined, StateFilter(StartFlow.consent), ConsentCb.filter(F.accept.is_(False))
    )
    router.callback_query.register(
        cb_consent_given, StateFilter(StartFlow.consent), ConsentCb.filter(F.accept.is_(True))
    )
    router.callback_query.register(cb_role, StateFilter(StartFlow.role), WhoCb.filter())
    return router
