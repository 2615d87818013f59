"""The question of /role's `choose` step, also asked by /start of someone with no role.

Imports nothing of onboarding, which imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _

from handlers.roles import keyboards
from handlers.roles.states import RoleFlow
from services.grants.self_service import self_service_to_add
from services.roles import Role


async def ask_role(bot: Bot, chat_id: int, choices: Sequence[Role], lead: str = "") -> None:
    """The question of the `choose` step: which self-service role to add, with its buttons."""
    question = _("Which role would you like to add?")
    await bot.send_message(
        chat_id,
        f"{lead}\n\n{question}" if lead else question,
        reply_markup=keyboards.self_service(choices),
    )


async def offer_first_role(
    bot: Bot, chat_id: int, state: FSMContext, roles: frozenset[Role]
) -> None:
    """For someone with no role yet (a teacher waiting for an invite, say): parent or volunteer
    meanwhile. Does nothing for someone who has a role."""
    choices = self_service_to_add(roles)
    if roles or not choices:
        return
    await state.set_state(RoleFlow.choose)
    lead = _(
        "Meanwhile you can take part as a parent or a volunteer: choose below, or any time "
        "later with /role."
    )
    await ask_role(bot, chat_id, choices, lead)
