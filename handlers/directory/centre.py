"""/directory (coordinators: their region; administrators: a region picked first): the
region's leader-movement centre links, each set by typing an http(s) link (or "-" to remove
it). Diagram: docs/flows/directory.mmd."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.callbacks import DbId, Page
from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole, NotCommand
from handlers.common.keyboards import inline, paged
from handlers.common.labels import stale_button
from handlers.common.steps import Ask, Asking, only_for
from handlers.directory.states import DirectoryFlow
from services.invites.directory import Named
from services.people import Actor
from services.roles import Role
from services.volunteers.editing import (
    LINK_FIELDS,
    NotYourRegion,
    centre_links,
    editable_regions,
    is_web_link,
    set_centre_link,
)

STAFF = (Role.ADMIN, Role.COORDINATOR)
REMOVE = "-"


class RegionCb(CallbackData, prefix="dir_reg"):
    region: DbId


class RegionPageCb(CallbackData, prefix="dir_regp"):
    page: Page


class LinkCb(CallbackData, prefix="dir_link"):
    region: DbId
    field: int  # index into LINK_FIELDS


def field_label(field: str) -> str:
    labels = {
        "work_plan_url": _("Work plan"),
        "vk_url": "VK",
        "instagram_url": "Instagram",
        "facebook_url": "Facebook",
        "youtube_url": "YouTube",
    }
    return labels[field]


def region_buttons(regions: list[Named], page: int) -> InlineKeyboardMarkup:
    return paged(
        regions, page, lambda r: (r.name, RegionCb(region=r.id)), lambda p: RegionPageCb(page=p)
    )


async def cmd_directory(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    """A coordinator of one region goes straight to its centre; others pick a region."""
    regions = await editable_regions(session, actor.person_id, actor.locale)
    if len(regions) == 1 and not actor.has(Role.ADMIN):
        await state.set_data({"region": regions[0].id})
        await state.set_state(DirectoryFlow.field)
        await send_links(message, session, actor, regions[0].id)
        return
    await state.set_state(DirectoryFlow.region)
    await message.answer(region_question(), reply_markup=region_buttons(regions, 0))


def region_question() -> str:
    return _("Which region's centre?")


async def cb_region_page(
    query: CallbackQuery, callback_data: RegionPageCb, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    regions = await editable_regions(session, actor.person_id, actor.locale)
    if isinstance(query.message, Message):
        await query.message.answer(
            region_question(), reply_markup=region_buttons(regions, callback_data.page)
        )


async def cb_region(
    query: CallbackQuery,
    callback_data: RegionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    try:
        await centre_links(session, actor.person_id, callback_data.region, actor.locale)
    except NotYourRegion:
        await query.answer(stale_button())
        return
    await query.answer()
    await state.set_data({"region": callback_data.region})
    await state.set_state(DirectoryFlow.field)
    if isinstance(query.message, Message):
        await send_links(query.message, session, actor, callback_data.region)


async def links_text(
    session: AsyncSession, actor: Actor, region_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    name, links = await centre_links(session, actor.person_id, region_id, actor.locale)
    lines = [_("The centre of {region}: its links.").format(region=name)]
    for field in LINK_FIELDS:
        lines.append(f"{field_label(field)}: {links[field] or '—'}")
    lines.append(_("Which link to set?"))
    builder = InlineKeyboardBuilder()
    for index, field in enumerate(LINK_FIELDS):
        builder.button(text=field_label(field), callback_data=LinkCb(region=region_id, field=index))
    return "\n".join(lines), inline(builder.adjust(1))


async def send_links(message: Message, session: AsyncSession, actor: Actor, region: int) -> None:
    text, markup = await links_text(session, actor, region)
    await message.answer(text, reply_markup=markup)


async def cb_link(
    query: CallbackQuery,
    callback_data: LinkCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    region = (await state.get_data()).get("region")
    if region != callback_data.region or not 0 <= callback_data.field < len(LINK_FIELDS):
        await query.answer(stale_button())
        return
    try:
        await centre_links(session, actor.person_id, callback_data.region, actor.locale)
    except NotYourRegion:
        await query.answer(stale_button())
        return
    await query.answer()
    field = LINK_FIELDS[callback_data.field]
    await state.update_data(field=field)
    await state.set_state(DirectoryFlow.url)
    if isinstance(query.message, Message):
        await query.message.answer(url_question(field))


def url_question(field: str) -> str:
    return _("Send the {what} link, or «-» to remove it.").format(what=field_label(field))


async def url_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    data = await state.get_data()
    region, field = int(data.get("region", 0)), str(data.get("field", ""))
    typed = (message.text or "").strip()
    if field not in LINK_FIELDS:
        await end_conversation(state)
        await message.answer(stale_button())
        return
    if typed != REMOVE and not is_web_link(typed):
        await message.answer(_("That is not a web link.") + "\n\n" + url_question(field))
        return
    try:
        await set_centre_link(
            session, actor.person_id, region, field, None if typed == REMOVE else typed
        )
    except NotYourRegion:
        await end_conversation(state)
        await message.answer(stale_button())
        return
    await state.set_state(DirectoryFlow.field)
    await message.answer(_("Saved."))
    await send_links(message, session, actor, region)


@only_for(*STAFF)
async def ask_region(asking: Asking) -> None:
    assert asking.actor is not None
    regions = await editable_regions(asking.session, asking.actor.person_id, asking.locale)
    await asking.send(region_question(), region_buttons(regions, 0))


@only_for(*STAFF)
async def ask_field(asking: Asking) -> None:
    assert asking.actor is not None
    region = int((await asking.state.get_data()).get("region", 0))
    try:
        text, markup = await links_text(asking.session, asking.actor, region)
    except NotYourRegion:
        await asking.close(stale_button())
        return
    await asking.send(text, markup)


@only_for(*STAFF)
async def ask_url(asking: Asking) -> None:
    field = str((await asking.state.get_data()).get("field", ""))
    if field not in LINK_FIELDS:
        await asking.close(stale_button())
        return
    await asking.send(url_question(field))


STEPS: dict[State, Ask] = {
    DirectoryFlow.region: ask_region,
    DirectoryFlow.field: ask_field,
    DirectoryFlow.url: ask_url,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*STAFF))
    router.callback_query.filter(HasRole(*STAFF))
    router.message.register(cmd_directory, Command("directory"))
    router.message.register(url_typed, StateFilter(DirectoryFlow.url), NotCommand())
    router.callback_query.register(
        cb_region_page, StateFilter(DirectoryFlow.region), RegionPageCb.filter()
    )
    router.callback_query.register(cb_region, StateFilter(DirectoryFlow.region), RegionCb.filter())
    router.callback_query.register(cb_link, StateFilter(DirectoryFlow.field), LinkCb.filter())
    return router
