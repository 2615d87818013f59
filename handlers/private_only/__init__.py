"""Qamqor talks with people in private chats: a group, a channel post or a message sent on
behalf of a chat gets one clear answer and goes no further."""

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.features import Feature, Position


async def not_a_person(message: Message) -> None:
    """No person behind it (a chat or channel writing), or not a private chat."""
    private = message.chat.type == ChatType.PRIVATE
    if not private and not (message.text or "").startswith("/"):
        return  # chatter in a group the bot was added to: stay silent
    await message.answer(_("I work in private chats: please write to me from your own account."))


async def not_from_a_person_in_private(message: Message) -> bool:
    # A coroutine, not F-magic: aiogram runs a synchronous filter in a thread, on every message.
    no_person = message.from_user is None or message.sender_chat is not None
    return no_person or message.chat.type != ChatType.PRIVATE


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(not_a_person, not_from_a_person_in_private)
    return router


feature = Feature(name="private_only", router=make_router, position=Position.FIRST)
