"""The invite flow's buttons: typed and bounded, so a forged one is simply out of date."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import DbId, Page
from services.roles import Role, ScopeKind


class InviteRoleCb(CallbackData, prefix="inv_role"):
    role: Role


class InviteScopeCb(CallbackData, prefix="inv_scope"):
    kind: ScopeKind
    id: DbId


class InvitePageCb(CallbackData, prefix="inv_page"):
    page: Page


class CancelInviteCb(CallbackData, prefix="inv_cancel"):
    id: DbId


class OpenInvitesPageCb(CallbackData, prefix="inv_open_page"):
    page: Page
