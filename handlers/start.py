"""/start: language → consent → who are you (or an invite), for newcomers; a greeting otherwise."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import keyboards
from handlers.callbacks import ConsentCb, LanguageCb, RoleCb
from handlers.help import help_text
from handlers.labels import invite_problem_text, role_label
from handlers.mappers import newcomer
from handlers.menu import publish_chat_commands
from handlers.states import StartFlow
from services.consent import consent_for
from services.directory import scope_name
from services.errors import AlreadyRegistered, InviteProblem
from services.invites import InviteView, check_invite, redeem_as_member
from services.locales import guess_locale
from services.people import Actor, register
from storage.models import Role

router = Router(name=__name__)

GREETING = (
    "Сәлеметсіз бе! Qamqor — балалар білімі мен демалысына көмекші.\n"
    "Здравствуйте! Qamqor — помощник по детскому образованию и досугу.\n"
    "Hello! Qamqor helps with children's education and leisure.\n\n"
    "Тілді таңдаңыз · Выберите язык · Choose a language:"
)


@router.message(CommandStart())
async def cmd_start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Greets members (redeeming an invite if one came with the link) or starts registration."""
    await state.clear()
    code = (command.args or "").strip() or None
    if actor is not None:
        if code is None:
            await message.answer(_("Welcome back, {name}!").format(name=actor.full_name))
            await message.answer(help_text(actor.roles))
            return
        try:
            view = await redeem_as_member(session, actor.person_id, code)
        except InviteProblem as problem:
            await message.answer(invite_problem_text(problem.reason))
            return
        await message.answer(await granted_text(session, view, actor.locale))
        roles = actor.roles | {view.role}
        await publish_chat_commands(bot, message.chat.id, roles, i18n, actor.locale)
        return
    if code is not None:
        try:
            await check_invite(session, code)
        except InviteProblem as problem:
            await message.answer(invite_problem_text(problem.reason))
            code = None
    user = message.from_user
    locale = guess_locale(user.language_code if user else None)
    await state.set_state(StartFlow.language)
    await state.set_data({"locale": locale, "invite": code})
    await message.answer(GREETING, reply_markup=keyboards.languages())


@router.callback_query(StartFlow.language, LanguageCb.filter())
async def cb_language(
    query: CallbackQuery, callback_data: LanguageCb, state: FSMContext, i18n: I18n
) -> None:
    """Keeps the chosen language and shows the consent text in it."""
    if callback_data.code not in i18n.available_locales:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    await state.update_data(locale=callback_data.code)
    await state.set_state(StartFlow.consent)
    await query.answer()
    with i18n.use_locale(callback_data.code):
        assert isinstance(query.message, Message)
        await query.message.answer(consent_text(), reply_markup=keyboards.consent())


@router.callback_query(StartFlow.consent, ConsentCb.filter(F.accept.is_(False)))
async def cb_consent_declined(query: CallbackQuery, state: FSMContext) -> None:
    """Without consent nothing is stored, and the person can come back any time."""
    await state.clear()
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Understood: nothing about you has been stored. Send /start whenever you are ready.")
    )


@router.callback_query(StartFlow.consent, ConsentCb.filter(F.accept.is_(True)))
async def cb_consent_given(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    channel: str,
) -> None:
    """With an invite, registration ends here; otherwise we ask who the person is."""
    await query.answer()
    assert isinstance(query.message, Message)
    data = await state.get_data()
    code = data.get("invite")
    if code:
        locale = data["locale"]
        try:
            registration = await register(
                session,
                newcomer(query.from_user, channel, locale),
                consent_for(locale),
                invite_code=code,
            )
        except InviteProblem as problem:
            await query.message.answer(invite_problem_text(problem.reason))
        except AlreadyRegistered:
            await state.clear()
            await query.message.answer(_("You are already registered. /help shows what I can do."))
            return
        else:
            await state.clear()
            assert registration.granted is not None
            await query.message.answer(await granted_text(session, registration.granted, locale))
            roles = registration.actor.roles
            await publish_chat_commands(bot, query.message.chat.id, roles, i18n, locale)
            return
    await state.set_state(StartFlow.role)
    await query.message.answer(_("Who are you?"), reply_markup=keyboards.who_are_you())


@router.callback_query(StartFlow.role, RoleCb.filter())
async def cb_role(
    query: CallbackQuery,
    callback_data: RoleCb,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    channel: str,
) -> None:
    """Volunteers and parents choose themselves; teachers and staff need an invite link."""
    await query.answer()
    assert isinstance(query.message, Message)
    locale = (await state.get_data())["locale"]
    role = {"volunteer": Role.VOLUNTEER, "parent": Role.PARENT}.get(callback_data.role)
    try:
        registration = await register(
            session,
            newcomer(query.from_user, channel, locale),
            consent_for(locale),
            role=role,
        )
    except AlreadyRegistered:
        await query.message.answer(_("You are already registered. /help shows what I can do."))
        await state.clear()
        return
    await state.clear()
    if role is None:
        await query.message.answer(
            _(
                "Teachers and Palace staff join with an invite link from the administration. "
                "Ask them for one and open it: your role will be set at once."
            )
        )
    else:
        await query.message.answer(
            _("Welcome! You are registered as: {role}.").format(role=role_label(role))
        )
    roles = registration.actor.roles
    await query.message.answer(help_text(roles))
    await publish_chat_commands(bot, query.message.chat.id, roles, i18n, locale)


@router.message(StateFilter(StartFlow.language))
async def language_expected(message: Message) -> None:
    """Anything but a language button while choosing a language."""
    await message.answer(GREETING, reply_markup=keyboards.languages())


@router.message(StateFilter(StartFlow.consent))
async def consent_expected(message: Message) -> None:
    """Anything but the consent buttons while reading the consent."""
    await message.answer(
        _("Please answer with one of the buttons: do you agree to the processing of your data?"),
        reply_markup=keyboards.consent(),
    )


@router.message(StateFilter(StartFlow.role))
async def role_expected(message: Message) -> None:
    """Anything but the role buttons while choosing who you are."""
    await message.answer(
        _("Please choose who you are with one of the buttons."),
        reply_markup=keyboards.who_are_you(),
    )


def consent_text() -> str:
    return _(
        "Before we start, please read how we treat your data.\n\n"
        "Operator: the Qamqor service of the Palace of Schoolchildren and the regional "
        "leader-movement centres.\n"
        "Purpose: to register you, send schedules, lesson links and reminders, and keep the "
        "records the programmes require.\n"
        "What we store: your name from this messenger, your chosen language and role; later, "
        "only what a feature you use needs (for a parent: the child's name, club and daily "
        "health answers).\n"
        "How long: while you use the service; health answers for 30 days; everything is "
        "deleted when you ask.\n"
        "Your rights: /mydata shows everything stored about you, /forget deletes it and "
        "withdraws this consent.\n\n"
        "If you are a parent, you also agree on behalf of the children you add."
    )


async def granted_text(session: AsyncSession, view: InviteView, locale: str) -> str:
    place = await scope_name(session, view.scope.kind, view.scope.id, locale)
    role = role_label(view.role)
    if place:
        return _("Done! You are now {role}: {place}.").format(role=role, place=place)
    return _("Done! You are now {role}.").format(role=role)
