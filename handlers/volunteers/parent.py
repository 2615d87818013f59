"""A parent opens `/start parent_CODE` (registered or not) and consents, or not, for their
under-18 child's application. State in states.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation, in_each_language
from handlers.common.mappers import chat_of, newcomer
from handlers.common.steps import Ask, Asking
from handlers.volunteers import keyboards, texts
from handlers.volunteers.callbacks import ParentCb
from handlers.volunteers.register import PARENT_PREFIX
from handlers.volunteers.render import card_renderer
from handlers.volunteers.states import ParentFlow
from services.channels import Channel
from services.errors import AlreadyRegistered, NotAllowed
from services.locales import SUPPORTED_LOCALES
from services.people import Actor
from services.volunteers.applications import ParentLinkUsed, give_parent_consent, parent_request
from services.volunteers.parents import newcomer_parent_consents


def link_used() -> str:
    return _("This link has already been used or is out of date.")


async def start_payload(
    message: Message,
    code: str,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    i18n: I18n,
    remembered: str | None,
) -> bool:
    """/start with a payload this feature owns; False: not ours, /start carries on."""
    if not code.startswith(PARENT_PREFIX):
        return False
    parent_code = code.removeprefix(PARENT_PREFIX)
    request = await parent_request(session, parent_code)
    user = message.from_user
    guessed = user.language_code if user else None
    locale = (
        actor.locale
        if actor
        else remembered
        or (guessed if guessed in SUPPORTED_LOCALES else request.locale if request else "kk")
    )
    if request is None:
        if actor is None and not remembered and guessed not in SUPPORTED_LOCALES:
            await message.answer(in_each_language(i18n, link_used))  # language unknown
        else:
            with i18n.use_locale(locale):
                await message.answer(link_used())
        return True
    with i18n.use_locale(locale):
        await state.set_state(ParentFlow.consent)
        await state.set_data(
            {"locale": locale, "code": parent_code, "child": request.volunteer_name}
        )
        await message.answer(
            texts.parent_consent_text(request.volunteer_name),
            reply_markup=keyboards.parent_consent(),
        )
    return True


async def cb_parent(
    query: CallbackQuery,
    callback_data: ParentCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
    i18n: I18n,
    channel: Channel,
) -> None:
    """Recorded once; "no" stores nothing."""
    data = await state.get_data()
    locale = str(data.get("locale") or (actor.locale if actor else "kk"))
    code = str(data.get("code") or "")
    await query.answer()
    await end_conversation(state)
    chat = chat_of(query)
    if not callback_data.accept:
        await bot.send_message(chat, _("Understood: nothing was recorded."))
        return
    card = card_renderer(i18n)
    try:
        if actor is not None:
            child = await give_parent_consent(session, code, actor.person_id, locale, card=card)
        else:
            child = await newcomer_parent_consents(
                session, newcomer(query.from_user, channel, locale), code, card=card
            )
    except (ParentLinkUsed, NotAllowed, AlreadyRegistered):
        await bot.send_message(chat, link_used())
        return
    await bot.send_message(
        chat,
        _(
            "Thank you! Your consent is recorded. {child}'s application goes to the coordinator."
        ).format(child=child),
    )


async def ask_consent(asking: Asking) -> None:
    child = str((await asking.state.get_data()).get("child") or "")
    text = _("Do you consent?") if asking.again else texts.parent_consent_text(child)
    await asking.send(text, keyboards.parent_consent())


STEPS: dict[State, Ask] = {ParentFlow.consent: ask_consent}


def make_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(cb_parent, StateFilter(ParentFlow.consent), ParentCb.filter())
    return router
