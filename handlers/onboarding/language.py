"""/language: switch the language of every later message, from anywhere.

| state  | expects           | next                                               |
|--------|-------------------|----------------------------------------------------|
| (none) | /language         | choose                                             |
| choose | a language button | done; anything else re-asks                        |
| any    | /language         | the same state; after the pick, its step is asked  |
|        |                   | again in the new language                          |
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.mappers import chat_of
from handlers.common.menu import Menu
from handlers.common.steps import Ask, Asking, Steps, asking_from
from handlers.onboarding import keyboards
from handlers.onboarding.callbacks import LanguageCb
from services.people import Actor, set_locale


class LanguageFlow(StatesGroup):
    choose = State()


async def ask_language(asking: Asking) -> None:
    await asking.send(_("Choose a language:"), keyboards.languages())


async def cmd_language(message: Message, state: FSMContext, steps: Steps) -> None:
    """Offers the three languages, each named in itself; a conversation under way stays."""
    if steps.ask_for(await state.get_state()) is None:
        await state.set_state(LanguageFlow.choose)
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
    steps: Steps,
    **data: Any,
) -> None:
    """Stores the language (only in the conversation for someone not yet registered), then
    asks the step the person was in again, in that language."""
    code = callback_data.code
    if actor is None:
        await state.update_data(locale=code)
    else:
        await set_locale(session, actor.person_id, code)
    await query.answer()
    chat = chat_of(query)
    current = await state.get_state()
    if current == LanguageFlow.choose.state:
        await end_conversation(state)  # a newcomer's pick stays with the conversation's data
        current = None
    with i18n.use_locale(code):
        await bot.send_message(chat, _("Done: I will speak English with you."))
        ask = steps.ask_for(current)
        context = {**data, "bot": bot, "state": state, "session": session, "actor": actor}
        asking = asking_from(context, code, chat)
        if ask is not None and asking is not None:
            await ask(asking)
    if actor is not None:
        await menu.publish(bot, chat, actor.roles, i18n, code)


STEPS: dict[State, Ask] = {LanguageFlow.choose: ask_language}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_language, Command("language"))
    # In any state: the onboarding's own language step is taken by its router first.
    router.callback_query.register(cb_set_language, LanguageCb.filter())
    return router
