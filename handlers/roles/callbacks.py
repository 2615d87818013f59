"""The roles feature's buttons: typed and bounded, so a forged one is simply out of date."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import DbId, Page
from services.roles import Role


class AddRoleCb(CallbackData, prefix="add_role"):
    role: Role  # any role parses; the service refuses all but the self-service ones


class RoleLaterCb(CallbackData, prefix="role_later"):
    """ "Not now": no role is added, and /role stays there for later."""


class StaffPageCb(CallbackData, prefix="staff_page"):
    page: Page


class StaffPersonCb(CallbackData, prefix="staff"):
    person: DbId


class StaffGrantCb(CallbackData, prefix="staff_grant"):
    grant: DbId


class RevokeCb(CallbackData, prefix="revoke"):
    grant: DbId
    confirm: bool
