"""/link: a code shown on one messenger, typed on the other; then where notifications go first
(diagram: docs/flows/link.mmd). The code itself is the state: no conversation is stored."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.fmt import local_datetime
from handlers.common.keyboards import inline
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of, display_name
from handlers.common.menu import Menu
from handlers.common.steps import RESUMES
from handlers.linking.texts import CHANNEL_NAMES, link_problem_text, preference_text
from services.channels import Channel
from services.errors import NotAllowed
from services.linking.channels import Channels, prefer_channel
from services.linking.linking import Linked, LinkProblem, offer_link, redeem_link
from services.people import Actor
from services.text import clean_text


class PreferCb(CallbackData, prefix="prefer"):
    channel: Channel


def preference_buttons(channels: Channels) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for channel in channels.linked:
        builder.button(text=CHANNEL_NAMES[channel], callback_data=PreferCb(channel=channel))
    return inline(builder.adjust(2))


async def cmd_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor | None,
    channel: Channel,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    """Without a code: shows one to type on the other messenger. With a code: links this one."""
    code = (command.args or "").strip()
    if code and message.from_user is not None:
        await link_with_code(message, message.from_user, code, session, channel, bot, i18n, menu)
        return
    if actor is None:
        await message.answer(
            _(
                "To use Qamqor here, send /start. If you already use it in another messenger, "
                "send /link there and type the code you get here: /link 12345678"
            )
        )
        return
    offer = await offer_link(session, actor.person_id, channel)
    await message.answer(
        _(
            "To use Qamqor in your other messenger too, send this there within 15 minutes "
            "(until {until}):\n/link {code}"
        ).format(code=offer.code, until=local_datetime(offer.expires_at, actor.locale)),
    )
    if len(offer.channels.linked) > 1:
        channels = offer.channels
        await message.answer(preference_text(channels), reply_markup=preference_buttons(channels))


async def link_with_code(
    message: Message,
    user: User,
    code: str,
    session: AsyncSession,
    channel: Channel,
    bot: Bot,
    i18n: I18n,
    menu: Menu,
) -> None:
    here = CHANNEL_NAMES[channel]
    who = clean_text(display_name(user), 64)

    def notice(linked: Linked) -> str:
        # Someone who guessed or saw the code must not go unnoticed by the owner.
        with i18n.use_locale(linked.actor.locale):
            return _(
                "Your Qamqor account was just linked to {channel} ({name}). If this was not "
                "you, tell the administration at once."
            ).format(channel=here, name=who)

    try:
        linked = await redeem_link(session, code, channel, str(user.id), notice)
    except LinkProblem as problem:
        await message.answer(link_problem_text(problem.reason))
        return
    actor = linked.actor
    with i18n.use_locale(actor.locale):
        await message.answer(
            _("Linked! {name}, you can now use Qamqor here too.").format(name=actor.full_name)
        )
        await message.answer(
            preference_text(linked.channels), reply_markup=preference_buttons(linked.channels)
        )
    await menu.publish(bot, message.chat.id, actor.roles, i18n, actor.locale)


async def cb_prefer(
    query: CallbackQuery,
    callback_data: PreferCb,
    session: AsyncSession,
    actor: Actor | None,
    bot: Bot,
) -> None:
    """Notifications try the chosen messenger first."""
    if actor is None:
        await query.answer(stale_button(), show_alert=True)
        return
    try:
        channels = await prefer_channel(session, actor.person_id, callback_data.channel)
    except NotAllowed:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await bot.send_message(
        chat_of(query),
        _("Done: notifications will come to {channel}.").format(
            channel=CHANNEL_NAMES[channels.preferred]
        ),
    )


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_link, Command("link"), flags=RESUMES)
    router.callback_query.register(cb_prefer, PreferCb.filter())
    return router
