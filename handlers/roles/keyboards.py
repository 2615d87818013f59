"""The roles feature's keyboards, built in the current locale."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.keyboards import inline, paged
from handlers.roles.callbacks import (
    AddRoleCb,
    RevokeCb,
    RoleLaterCb,
    StaffGrantCb,
    StaffPageCb,
    StaffPersonCb,
)
from handlers.roles.texts import grant_label
from services.grants.held import Grant
from services.grants.staff import StaffMember
from services.roles import Role


def self_service_label(role: Role) -> str:
    """The same words as the /start choice."""
    labels = {Role.PARENT: _("👪 Parent"), Role.VOLUNTEER: _("🙋 Volunteer (camp leader)")}
    return labels[role]


def self_service(roles: Sequence[Role]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in roles:
        builder.button(text=self_service_label(role), callback_data=AddRoleCb(role=role))
    builder.button(text=_("Not now"), callback_data=RoleLaterCb())
    return inline(builder.adjust(1))


def member_label(member: StaffMember) -> str:
    return f"{member.full_name} · {', '.join(grant_label(g) for g in member.grants)}"


def staff(members: Sequence[StaffMember], page: int) -> InlineKeyboardMarkup:
    return paged(
        members,
        page,
        lambda member: (member_label(member), StaffPersonCb(person=member.person_id)),
        lambda next_page: StaffPageCb(page=next_page),
    )


def grants(member: StaffMember, page: int) -> InlineKeyboardMarkup:
    """A teacher of many clubs has a grant for each: they page too."""
    return paged(
        member.grants,
        page,
        lambda grant: (f"✖️ {grant_label(grant)}", StaffGrantCb(grant=grant.id)),
        lambda next_page: StaffPageCb(page=next_page),
    )


def confirm(grant: Grant) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, revoke it"), callback_data=RevokeCb(grant=grant.id, confirm=True))
    builder.button(text=_("No, keep it"), callback_data=RevokeCb(grant=grant.id, confirm=False))
    return inline(builder.adjust(1))
