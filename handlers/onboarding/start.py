"""/start: language → consent → who are you (or an invite), for newcomers; a greeting otherwise."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import chosen_locale, end_conversation
from handlers.common.labels import role_label
from handlers.common.mappers import chat_of, newcomer
from handlers.common.menu import Menu
from handlers.invites.texts import granted_text, invite_problem_text
from handlers.onboarding import keyboards
from handlers.onboarding.callbacks import ConsentCb, LanguageCb, Who, WhoCb
from handlers.onboarding.states import StartFlow
from handlers.onboarding.texts import GREETING, consent_text, help_text
from handlers.roles.offer import offer_first_role
from services.channels import Channel
from services.consent import consent_for
from services.errors import AlreadyRegistered
from services.invites.invites import InviteProblem, check_invite, redeem_as_member
from services.locales import guess_locale
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
    if code is not None:
        try:
            await check_invite(session, code)
        except InviteProblem as problem:
            await message.answer(invite_problem_text(problem.reason))
            code = None
    user = message.from_user
    locale = remembered or guess_locale(user.language_code if user else None)
    await state.set_state(StartFlow.language)
    await state.set_data({"locale": locale, "invite": code})
    await message.answer(GREETING, reply_markup=keyboards.languages())


async def cb_language(
    query: CallbackQuery, callback_data: LanguageCb, state: FSMContext, i18n: I18n, bot: Bot
) -> None:
    """Keeps the chosen language and shows the consent text in it."""
    await state.update_data(locale=callback_data.code)
    await state.set_state(StartFlow.consent)
    await query.answer()
    with i18n.use_locale(callback_data.code):
        await bot.send_message(chat_of(query), consent_text(), reply_markup=keyboards.consent())


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
        await bot.send_message(chat, _("Who are you?"), reply_markup=keyboards.who_are_you())
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
        await bot.send_message(chat, _("Who are you?"), reply_markup=keyboards.who_are_you())
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
    await offer_first_role(bot, chat, state, roles)


async def language_expected(message: Message) -> None:
    """Anything but a language button while choosing a language."""
    await message.answer(GREETING, reply_markup=keyboards.languages())


async def consent_expected(message: Message) -> None:
    """Anything but the consent buttons while reading the consent."""
    await message.answer(
        _("Please answer with one of the buttons: do you agree to the processing of your data?"),
        reply_markup=keyboards.consent(),
    )


async def role_expected(message: Message) -> None:
    """Anything but the role buttons while choosing who you are."""
    await message.answer(
        _("Please choose who you are with one of the buttons."),
        reply_markup=keyboards.who_are_you(),
    )


# Words people type instead of /start (WhatsApp has no command menu), in kk, ru and en.
START_WORDS = frozenset({"start", "старт", "бастау", "menu", "меню", "мәзір"})


async def start_word(message: Message) -> dict[str, CommandObject] | bool:
    """A word like "Старт", "мәзір" or "menu": handed to cmd_start as the /start it means."""
    if (message.text or "").strip().strip(".!").casefold() not in START_WORDS:
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
    router.message.register(language_expected, StateFilter(StartFlow.language))
    router.message.register(consent_expected, StateFilter(StartFlow.consent))
    router.message.register(role_expected, StateFilter(StartFlow.role))
    return router
