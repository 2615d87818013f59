"""The volunteer feature's keyboards, built in the current locale."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.keyboards import MAX_OPTIONS, inline, paged
from handlers.volunteers.callbacks import (
    ApplicationCb,
    ApplicationsPageCb,
    ConfirmInstitutionCb,
    EditCb,
    InstitutionCb,
    InstitutionPageCb,
    KeepNameCb,
    NoReasonCb,
    NoSquadCb,
    OtherInstitutionCb,
    ParentCb,
    RegionCb,
    RegionPageCb,
    RestartCb,
    ReviewCb,
    SquadCb,
    SquadCodeCb,
    SubmitCb,
)
from services.invites.directory import Named
from services.volunteers.profile import Pending, Proposed


def keep_name(name: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ {name}").format(name=name[:40]), callback_data=KeepNameCb())
    return inline(builder)


def share_phone(whatsapp: bool) -> ReplyKeyboardMarkup:
    label = _("📱 Use this number") if whatsapp else _("📱 Share my number")
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=label, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def regions(items: Sequence[Named], page: int) -> InlineKeyboardMarkup:
    return paged(
        items,
        page,
        lambda r: (r.name, RegionCb(region=r.id)),
        lambda next_page: RegionPageCb(page=next_page),
    )


def institutions(items: Sequence[Named], page: int) -> InlineKeyboardMarkup:
    """Eight a page, "More" and "Not listed": never over ten options."""
    size = MAX_OPTIONS - 2
    pages = max(1, -(-len(items) // size))
    page = max(0, min(page, pages - 1))
    builder = InlineKeyboardBuilder()
    for item in items[page * size : (page + 1) * size]:
        builder.button(text=item.name, callback_data=InstitutionCb(institution=item.id))
    if page + 1 < pages:
        builder.button(text=_("More ▸"), callback_data=InstitutionPageCb(page=page + 1))
    builder.button(text=_("My institution is not listed"), callback_data=OtherInstitutionCb())
    return inline(builder.adjust(1))


def squads(items: Sequence[Named]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items[: MAX_OPTIONS - 2]:
        builder.button(text=item.name, callback_data=SquadCb(squad=item.id))
    builder.button(text=_("🔑 Join with a code"), callback_data=SquadCodeCb())
    builder.button(text=_("No squad yet"), callback_data=NoSquadCb())
    return inline(builder.adjust(1))


def summary() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Submit"), callback_data=SubmitCb())
    builder.button(text=_("✏️ Start again"), callback_data=RestartCb())
    return inline(builder.adjust(1))


def edit() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Edit my application"), callback_data=EditCb())
    return inline(builder)


def parent_consent() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("I consent"), callback_data=ParentCb(accept=True))
    builder.button(text=_("I do not consent"), callback_data=ParentCb(accept=False))
    return inline(builder.adjust(1))


def review(volunteer_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Approve"), callback_data=ReviewCb(volunteer=volunteer_id, approve=True)
    )
    builder.button(
        text=_("❌ Reject"), callback_data=ReviewCb(volunteer=volunteer_id, approve=False)
    )
    return inline(builder.adjust(2))


def no_reason(volunteer_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Without a reason"), callback_data=NoReasonCb(volunteer=volunteer_id))
    return inline(builder)


def applications(items: Sequence[Pending | Proposed], page: int) -> InlineKeyboardMarkup:
    """Applications, then institutions to confirm, in one paged list (one message's options)."""

    def button(item: Pending | Proposed) -> tuple[str, CallbackData]:
        if isinstance(item, Proposed):
            label = _("🏫 Confirm: {name}").format(name=item.name)
            return label, ConfirmInstitutionCb(institution=item.institution_id)
        return f"{item.full_name} · {item.region}", ApplicationCb(volunteer=item.volunteer_id)

    return paged(items, page, button, lambda next_page: ApplicationsPageCb(page=next_page))
