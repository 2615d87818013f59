"""/link: one person on Telegram and WhatsApp, and which of them notifications go to first."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import keyboards
from handlers.callbacks import PreferCb
from handlers.fmt import local_datetime
from handlers.menu import publish_chat_commands
from services.errors import LinkProblem, NotAllowed
from services.linking import Channels, offer_link, prefer_channel, redeem_link, tell_owner
from services.people import Actor
from storage.base import utcnow

router = Router(name=__name__)
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}


@router.message(Command("link"))
async def cmd_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor | None,
    channel: str,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Without a code: shows one to type on the other messenger. With a code: links this one."""
    code = (command.args or "").strip()
    if code:
        await link_with_code(message, code, session, channel, bot, i18n)
        return
    if actor is None:
        await message.answer(
            _(
                "To use Qamqor here, send /start. If you already use it in another messenger, "
                "send /link there and type the code you get here: /link 12345678"
            )
        )
        return
    offer = await offer_link(session, actor.person_id, channel, utcnow())
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
    message: Message, code: str, session: AsyncSession, channel: str, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    try:
        linked = await redeem_link(session, code, channel, str(message.from_user.id), utcnow())
    except LinkProblem as problem:
        await message.answer(link_problem_text(problem.reason))
        return
    actor = linked.actor
    here = CHANNEL_NAMES.get(channel, channel)
    with i18n.use_locale(actor.locale):
        # Someone who guessed or saw the code must not go unnoticed by the owner.
        notice = _(
            "Your Qamqor account was just linked to {channel} ({name}). If this was not "
            "you, tell the administration at once."
        ).format(channel=here, name=message.from_user.full_name)
        await tell_owner(session, linked, notice)
        await message.answer(
            _("Linked! {name}, you can now use Qamqor here too.").format(name=actor.full_name)
        )
        await message.answer(
            preference_text(linked.channels), reply_markup=preference_buttons(linked.channels)
        )
    await publish_chat_commands(bot, message.chat.id, actor.roles, i18n, actor.locale)


@router.callback_query(PreferCb.filter())
async def cb_prefer(
    query: CallbackQuery,
    callback_data: PreferCb,
    session: AsyncSession,
    actor: Actor | None,
) -> None:
    """Notifications try the chosen messenger first."""
    if actor is None:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    try:
        channels = await prefer_channel(session, actor.person_id, callback_data.channel)
    except NotAllowed:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    await query.answer()
    assert query.message is not None
    await query.message.answer(
        _("Done: notifications will come to {channel}.").format(
            channel=CHANNEL_NAMES.get(channels.preferred, channels.preferred)
        )
    )


def preference_text(channels: Channels) -> str:
    return _(
        "Notifications come to {channel} first; if it cannot be reached, to the other one. "
        "Where should they come?"
    ).format(channel=CHANNEL_NAMES.get(channels.preferred, channels.preferred))


def preference_buttons(channels: Channels) -> InlineKeyboardMarkup:
    return keyboards.preferred_channel({c: CHANNEL_NAMES.get(c, c) for c in channels.linked})


def link_problem_text(reason: str) -> str:
    texts = {
        "expired": _("This code has expired. Send /link in your other messenger for a new one."),
        "same_channel": _("Type this code in your other messenger, not here."),
        "registered_elsewhere": _(
            "This account is already registered as someone else. "
            "To link it, first delete that registration here with /forget."
        ),
        "channel_taken": _("You already have an account in this messenger linked."),
        "too_many": _("Too many wrong codes. Please wait a quarter of an hour and try again."),
    }
    return texts.get(
        reason, _("This code is not valid. Check it, or send /link in your other messenger.")
    )
