"""Registration by chat: name → phone → birth date → region → institution → squad → submit.
States in states.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.deeplinks import DeepLinks
from handlers.common.filters import HasRole, typed_text
from handlers.common.fmt import ALMATY
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, only_for, with_lead
from handlers.volunteers import keyboards, texts
from handlers.volunteers.callbacks import (
    InstitutionCb,
    InstitutionPageCb,
    KeepNameCb,
    NoSquadCb,
    OtherInstitutionCb,
    RegionCb,
    RegionPageCb,
    RestartCb,
    SquadCb,
    SquadCodeCb,
    SubmitCb,
)
from handlers.volunteers.filters import shared_contact
from handlers.volunteers.render import card_renderer
from handlers.volunteers.states import VolunteerFlow
from services.channels import Channel
from services.errors import NotRegistered
from services.invites.directory import Named
from services.people import Actor
from services.roles import Role
from services.volunteers import directory
from services.volunteers.applications import Draft, InvalidApplication, submit
from services.volunteers.rules import (
    InvalidBirthDate,
    Status,
    clean_name,
    full_name,
    parse_birth_date,
    parse_phone,
)

PARENT_PREFIX = "parent_"


def today() -> date:
    return datetime.now(ALMATY).date()


async def begin_registration(bot: Bot, chat_id: int, state: FSMContext, name: str) -> None:
    """The first step, with the messenger's name (or the stored one) to accept or replace."""
    await state.set_state(VolunteerFlow.name)
    await state.set_data({"suggested": name})
    await send_name_question(bot, chat_id, name)


async def send_name_question(bot: Bot, chat_id: int, suggested: str | None, lead: str = "") -> None:
    suggestion = full_name(suggested or "")
    markup = keyboards.keep_name(suggestion) if suggestion else None
    await bot.send_message(
        chat_id, with_lead(lead, texts.name_question(suggestion)), reply_markup=markup
    )


async def on_name(message: Message, state: FSMContext, channel: Channel, bot: Bot) -> None:
    """A typed full name."""
    name = full_name(message.text or "")
    if name is None:
        suggested = (await state.get_data()).get("suggested")
        await send_name_question(bot, message.chat.id, suggested, texts.bad_name())
        return
    await to_phone(bot, message.chat.id, state, channel, name)


async def cb_keep_name(query: CallbackQuery, state: FSMContext, channel: Channel, bot: Bot) -> None:
    """The suggested name."""
    name = full_name(str((await state.get_data()).get("suggested") or ""))
    await query.answer()
    if name is None:
        await send_name_question(bot, chat_of(query), None)
        return
    await to_phone(bot, chat_of(query), state, channel, name)


async def to_phone(bot: Bot, chat_id: int, state: FSMContext, channel: Channel, name: str) -> None:
    await state.update_data(name=name)
    await state.set_state(VolunteerFlow.phone)
    await send_phone_question(bot, chat_id, channel)


async def send_phone_question(bot: Bot, chat_id: int, channel: Channel, lead: str = "") -> None:
    whatsapp = channel is Channel.WHATSAPP
    await bot.send_message(
        chat_id,
        with_lead(lead, texts.phone_question(whatsapp)),
        reply_markup=keyboards.share_phone(whatsapp),
    )


async def on_phone(message: Message, state: FSMContext, channel: Channel, bot: Bot) -> None:
    """A shared contact (one's own only) or a typed number."""
    if message.contact is not None:
        own = message.from_user is not None and message.contact.user_id in (
            None,
            message.from_user.id,
        )
        phone = parse_phone(message.contact.phone_number) if own else None
    else:
        phone = parse_phone(message.text or "")
    if phone is None:
        await send_phone_question(bot, message.chat.id, channel, texts.bad_phone())
        return
    await state.update_data(phone=phone)
    await state.set_state(VolunteerFlow.birth_date)
    await bot.send_message(
        message.chat.id, texts.birth_question(), reply_markup=ReplyKeyboardRemove()
    )


async def on_birth_date(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    volunteer_min_age: int = 16,
) -> None:
    """A date of birth: readable, real, past, old enough."""
    try:
        born = parse_birth_date(message.text or "", today(), volunteer_min_age)
    except InvalidBirthDate as error:
        await message.answer(
            with_lead(texts.bad_birth(error.problem, volunteer_min_age), texts.birth_question())
        )
        return
    await state.update_data(birth=born.isoformat())
    await state.set_state(VolunteerFlow.region)
    await send_regions(bot, message.chat.id, session, actor, 0)


async def send_regions(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor | None, page: int, lead: str = ""
) -> None:
    locale = actor.locale if actor else "kk"
    items = await directory.regions(session, locale)
    await bot.send_message(
        chat_id,
        with_lead(lead, texts.region_question()),
        reply_markup=keyboards.regions(items, page),
    )


async def cb_region_page(
    query: CallbackQuery,
    callback_data: RegionPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
) -> None:
    await query.answer()
    await state.update_data(page=callback_data.page)
    await send_regions(bot, chat_of(query), session, actor, callback_data.page)


async def cb_region(
    query: CallbackQuery,
    callback_data: RegionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """The region; its institutions next."""
    items = await directory.regions(session, actor.locale)
    region = next((r for r in items if r.id == callback_data.region), None)
    if region is None:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await to_institution(bot, chat_of(query), session, actor, state, region)


async def on_region_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """A region typed instead of picked, on whatever page of the list it is."""
    typed = message.text or ""
    found = await directory.regions_typed(session, typed, actor.locale)
    if len(found) == 1:
        await to_institution(bot, message.chat.id, session, actor, state, found[0])
        return
    if found:  # "Алматы": the city or the region
        await bot.send_message(
            message.chat.id, texts.which_region(), reply_markup=keyboards.regions(found, 0)
        )
        return
    unknown = texts.unknown_region(typed.strip()[:40])
    await send_regions(bot, message.chat.id, session, actor, 0, unknown)


async def to_institution(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor, state: FSMContext, region: Named
) -> None:
    await state.update_data(region=region.id, region_name=region.name, page=0)
    await state.set_state(VolunteerFlow.institution)
    await send_institutions(bot, chat_id, session, actor, state, 0)


async def send_institutions(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    page: int,
    lead: str = "",
) -> None:
    data = await state.get_data()
    items = await directory.institutions(session, int(data["region"]), actor.locale)
    question = texts.institution_question(str(data.get("region_name", "")))
    await bot.send_message(
        chat_id, with_lead(lead, question), reply_markup=keyboards.institutions(items, page)
    )


async def cb_institution_page(
    query: CallbackQuery,
    callback_data: InstitutionPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    await query.answer()
    await state.update_data(page=callback_data.page)
    await send_institutions(bot, chat_of(query), session, actor, state, callback_data.page)


async def cb_institution(
    query: CallbackQuery,
    callback_data: InstitutionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """An institution of the region; its squads next."""
    data = await state.get_data()
    items = await directory.institutions(session, int(data["region"]), actor.locale)
    found = next((i for i in items if i.id == callback_data.institution), None)
    if found is None:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await state.update_data(institution=found.id, institution_name=found.name, new_institution=None)
    await to_squad(bot, chat_of(query), session, actor, state)


async def cb_other_institution(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    await query.answer()
    await state.set_state(VolunteerFlow.institution_name)
    await bot.send_message(chat_of(query), texts.institution_name_question())


async def on_institution_name(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """A new institution, stored unconfirmed at submit."""
    name = clean_name(message.text or "")
    if name is None:
        await message.answer(with_lead(texts.bad_name(), texts.institution_name_question()))
        return
    await state.update_data(institution=None, institution_name=name, new_institution=name)
    await to_squad(bot, message.chat.id, session, actor, state)


async def to_squad(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor, state: FSMContext, lead: str = ""
) -> None:
    await state.set_state(VolunteerFlow.squad)
    await state.update_data(squad=None, squad_name=None)
    institution = (await state.get_data()).get("institution")
    items = await directory.squads(session, int(institution), actor.locale) if institution else []
    await bot.send_message(
        chat_id, with_lead(lead, texts.squad_question()), reply_markup=keyboards.squads(items)
    )


async def cb_squad(
    query: CallbackQuery,
    callback_data: SquadCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    institution = (await state.get_data()).get("institution")
    items = await directory.squads(session, int(institution), actor.locale) if institution else []
    found = next((s for s in items if s.id == callback_data.squad), None)
    if found is None:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await state.update_data(squad=found.id, squad_name=found.name)
    await to_summary(bot, chat_of(query), state, actor)


async def cb_squad_code(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    await query.answer()
    await state.set_state(VolunteerFlow.squad_code)
    await bot.send_message(chat_of(query), texts.squad_code_question())


async def cb_no_squad(query: CallbackQuery, state: FSMContext, actor: Actor, bot: Bot) -> None:
    await query.answer()
    await to_summary(bot, chat_of(query), state, actor)


async def on_squad_code(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """The leader's code: the squad, and its institution, of the chosen region."""
    found = await directory.squad_by_code(session, message.text or "")
    data = await state.get_data()
    if found is None or found.region_id != data.get("region"):
        await to_squad(bot, message.chat.id, session, actor, state, texts.bad_code())
        return
    await state.update_data(
        institution=found.institution_id,
        institution_name=found.institution,
        new_institution=None,
        squad=found.id,
        squad_name=found.name,
    )
    await to_summary(bot, message.chat.id, state, actor)


async def to_summary(bot: Bot, chat_id: int, state: FSMContext, actor: Actor) -> None:
    await state.set_state(VolunteerFlow.summary)
    await send_summary(bot, chat_id, await state.get_data(), actor.locale)


async def send_summary(
    bot: Bot, chat_id: int, data: dict[str, Any], locale: str, lead: str = ""
) -> None:
    text = texts.summary(
        str(data["name"]),
        str(data["phone"]),
        date.fromisoformat(str(data["birth"])),
        str(data["region_name"]),
        data.get("institution_name"),
        data.get("squad_name"),
        locale,
    )
    await bot.send_message(chat_id, with_lead(lead, text), reply_markup=keyboards.summary())


async def cb_submit(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
    links: DeepLinks,
    volunteer_min_age: int = 16,
) -> None:
    """Stores the application: to the coordinators, or first to a parent."""
    data = await state.get_data()
    await query.answer()
    chat = chat_of(query)
    draft = Draft(
        full_name=str(data["name"]),
        phone=str(data["phone"]),
        birth_date=date.fromisoformat(str(data["birth"])),
        region_id=int(data["region"]),
        institution_id=data.get("institution"),
        new_institution=data.get("new_institution"),
        squad_id=data.get("squad"),
    )
    await state.clear()
    try:
        submitted = await submit(
            session,
            actor.person_id,
            draft,
            today=today(),
            min_age=volunteer_min_age,
            card=card_renderer(i18n),
        )
    except InvalidBirthDate as error:
        await bot.send_message(chat, texts.bad_birth(error.problem, volunteer_min_age))
        return
    except (InvalidApplication, NotRegistered):
        await bot.send_message(
            chat, _("Something in your answers has changed meanwhile. Let's start again.")
        )
        await begin_registration(bot, chat, state, draft.full_name)
        return
    if submitted.status is Status.AWAITING_PARENT and submitted.parent_code:
        code = PARENT_PREFIX + submitted.parent_code
        await bot.send_message(chat, texts.parent_request_text(links.for_start(code), code))
    elif submitted.status is Status.APPROVED:
        await bot.send_message(chat, _("Saved. Your profile is up to date."))
    else:
        await bot.send_message(chat, texts.submitted_text())


async def cb_restart(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    name = str((await state.get_data()).get("name") or "")
    await query.answer()
    await begin_registration(bot, chat_of(query), state, name)


@only_for(Role.VOLUNTEER)
async def ask_name(asking: Asking) -> None:
    suggested = (await asking.state.get_data()).get("suggested")
    await send_name_question(asking.bot, asking.chat_id, suggested, asking.hint)


@only_for(Role.VOLUNTEER)
async def ask_phone(asking: Asking) -> None:
    await send_phone_question(asking.bot, asking.chat_id, asking.channel, asking.hint)


@only_for(Role.VOLUNTEER)
async def ask_birth(asking: Asking) -> None:
    await asking.send(texts.birth_question())


@only_for(Role.VOLUNTEER)
async def ask_region(asking: Asking) -> None:
    page = int((await asking.state.get_data()).get("page", 0))
    await send_regions(asking.bot, asking.chat_id, asking.session, asking.actor, page, asking.hint)


@only_for(Role.VOLUNTEER)
async def ask_institution(asking: Asking) -> None:
    if asking.actor is None:
        await asking.close(stale_button())
        return
    page = int((await asking.state.get_data()).get("page", 0))
    await send_institutions(
        asking.bot, asking.chat_id, asking.session, asking.actor, asking.state, page, asking.hint
    )


@only_for(Role.VOLUNTEER)
async def ask_institution_name(asking: Asking) -> None:
    await asking.send(texts.institution_name_question())


@only_for(Role.VOLUNTEER)
async def ask_squad(asking: Asking) -> None:
    if asking.actor is None:
        await asking.close(stale_button())
        return
    await to_squad(
        asking.bot, asking.chat_id, asking.session, asking.actor, asking.state, asking.hint
    )


@only_for(Role.VOLUNTEER)
async def ask_squad_code(asking: Asking) -> None:
    await asking.send(texts.squad_code_question())


@only_for(Role.VOLUNTEER)
async def ask_summary(asking: Asking) -> None:
    data = await asking.state.get_data()
    await send_summary(asking.bot, asking.chat_id, data, asking.locale, asking.hint)


STEPS: dict[State, Ask] = {
    VolunteerFlow.name: ask_name,
    VolunteerFlow.phone: ask_phone,
    VolunteerFlow.birth_date: ask_birth,
    VolunteerFlow.region: ask_region,
    VolunteerFlow.institution: ask_institution,
    VolunteerFlow.institution_name: ask_institution_name,
    VolunteerFlow.squad: ask_squad,
    VolunteerFlow.squad_code: ask_squad_code,
    VolunteerFlow.summary: ask_summary,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.VOLUNTEER))
    router.callback_query.filter(HasRole(Role.VOLUNTEER))
    router.message.register(on_name, StateFilter(VolunteerFlow.name), typed_text)
    router.callback_query.register(
        cb_keep_name, StateFilter(VolunteerFlow.name), KeepNameCb.filter()
    )
    router.message.register(on_phone, StateFilter(VolunteerFlow.phone), shared_contact)
    router.message.register(on_phone, StateFilter(VolunteerFlow.phone), typed_text)
    router.message.register(on_birth_date, StateFilter(VolunteerFlow.birth_date), typed_text)
    router.callback_query.register(
        cb_region_page, StateFilter(VolunteerFlow.region), RegionPageCb.filter()
    )
    router.callback_query.register(cb_region, StateFilter(VolunteerFlow.region), RegionCb.filter())
    router.message.register(on_region_typed, StateFilter(VolunteerFlow.region), typed_text)
    router.callback_query.register(
        cb_institution_page, StateFilter(VolunteerFlow.institution), InstitutionPageCb.filter()
    )
    router.callback_query.register(
        cb_institution, StateFilter(VolunteerFlow.institution), InstitutionCb.filter()
    )
    router.callback_query.register(
        cb_other_institution, StateFilter(VolunteerFlow.institution), OtherInstitutionCb.filter()
    )
    router.message.register(
        on_institution_name, StateFilter(VolunteerFlow.institution_name), typed_text
    )
    router.callback_query.register(cb_squad, StateFilter(VolunteerFlow.squad), SquadCb.filter())
    router.callback_query.register(
        cb_squad_code, StateFilter(VolunteerFlow.squad), SquadCodeCb.filter()
    )
    router.callback_query.register(
        cb_no_squad, StateFilter(VolunteerFlow.squad), NoSquadCb.filter()
    )
    router.message.register(on_squad_code, StateFilter(VolunteerFlow.squad_code), typed_text)
    router.callback_query.register(cb_submit, StateFilter(VolunteerFlow.summary), SubmitCb.filter())
    router.callback_query.register(
        cb_restart, StateFilter(VolunteerFlow.summary), RestartCb.filter()
    )
    return router
