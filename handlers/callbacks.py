"""Every inline button's payload; handlers re-check the presser may act on the ids inside."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class ConsentCb(CallbackData, prefix="consent"):
    accept: bool


class RoleCb(CallbackData, prefix="role"):
    role: str  # volunteer | parent | teacher | staff


class ForgetCb(CallbackData, prefix="forget"):
    confirm: bool


class InviteRoleCb(CallbackData, prefix="inv_role"):
    role: str


class InviteScopeCb(CallbackData, prefix="inv_scope"):
    kind: str
    id: int


class PreferCb(CallbackData, prefix="prefer"):
    channel: str  # telegram | whatsapp
