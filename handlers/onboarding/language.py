"""/language: switch the language of every later message."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.mappers import chat_of
from handlers.common.menu import Menu
from handlers.onboarding import keyboards
from handlers.onboarding.callbacks import LanguageCb
from services.people import Actor, set_locale


async def cmd_language(message: Message) -> None:
    """Offers the three languages, each named in itself."""
    await message.answer(_("Choose a language:"), reply_markup=keyboards.languages())


async def cb_set_language(
    query: CallbackQuery,
    callback_data: LanguageCb,
    session: AsyncSession,
    state: FSMContext,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    """Stores the language (only in the conversation for someone not yet registered)."""
    code = callback_data.code
    if actor is None:
        await state.update_data(locale=code)
    else:
        await set_locale(session, actor.person_id, code)
    await query.answer()
    chat = chat_of(query)
    with i18n.use_locale(code):
        await bot.send_message(chat, _("Done: I will speak English with you."))
    if actor is not None:
        await menu.publish(bot, chat, actor.roles, i18n, code)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_language, Command("language"))
    router.callback_query.register(cb_set_language, StateFilter(None), LanguageCb.filter())
    return router
