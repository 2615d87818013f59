"""The invite flow's keyboards and prompts, built in the current locale."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.fmt import local_date
from handlers.common.keyboards import inline, paged
from handlers.common.labels import role_label
from handlers.invites.callbacks import (
    CancelInviteCb,
    InvitePageCb,
    InviteRoleCb,
    InviteScopeCb,
    OpenInvitesPageCb,
)
from services.invites.directory import Named
from services.invites.open_invites import OpenInvite
from services.roles import SCOPE_OF_ROLE, ScopeKind


def roles_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in SCOPE_OF_ROLE:
        builder.button(text=role_label(role), callback_data=InviteRoleCb(role=role))
    return inline(builder.adjust(1))


def scope_keyboard(kind: ScopeKind, items: list[Named], page: int) -> InlineKeyboardMarkup:
    return paged(
        items,
        page,
        lambda item: (item.name, InviteScopeCb(kind=kind, id=item.id)),
        lambda next_page: InvitePageCb(page=next_page),
        columns=2 if kind is ScopeKind.REGION else 1,
    )


def scope_prompt(kind: ScopeKind) -> str:
    prompts = {
        ScopeKind.REGION: _("Which region will the coordinator lead?"),
        ScopeKind.CLUB: _("Which club will the teacher teach?"),
        ScopeKind.SITE: _(
            "Which building will the person responsible for sanitary rules look after?"
        ),
    }
    return prompts[kind]


def invite_label(invite: OpenInvite) -> str:
    """ "Teacher — Robotics", or "Administrator" (as /invite names it)."""
    who = role_label(invite.role)
    return f"{who} — {invite.place}" if invite.place else who


def open_invites_keyboard(
    invites: list[OpenInvite], page: int, locale: str
) -> InlineKeyboardMarkup:
    return paged(
        invites,
        page,
        lambda invite: (
            _("✖️ {invite} · until {date}").format(
                invite=invite_label(invite), date=local_date(invite.expires_at, locale)
            ),
            CancelInviteCb(id=invite.id),
        ),
        lambda next_page: OpenInvitesPageCb(page=next_page),
    )
