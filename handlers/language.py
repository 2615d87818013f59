"""/language: switch the language of every later message."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import keyboards
from handlers.callbacks import LanguageCb
from handlers.menu import publish_chat_commands
from services.people import Actor, set_locale

router = Router(name=__name__)


@router.message(Command("language"))
async def cmd_language(message: Message) -> None:
    """Offers the three languages, each named in itself."""
    await message.answer(_("Choose a language:"), reply_markup=keyboards.languages())


@router.callback_query(StateFilter(None), LanguageCb.filter())
async def cb_set_language(
    query: CallbackQuery,
    callback_data: LanguageCb,
    session: AsyncSession,
    state: FSMContext,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Stores the language (only in the conversation for someone not yet registered)."""
    code = callback_data.code
    if code not in i18n.available_locales:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    if actor is None:
        await state.update_data(locale=code)
    else:
        await set_locale(session, actor.person_id, code)
    await query.answer()
    assert query.message is not None
    with i18n.use_locale(code):
        await bot.send_message(query.message.chat.id, _("Done: I will speak English with you."))
    if actor is not None:
        await publish_chat_commands(bot, query.message.chat.id, actor.roles, i18n, code)
