"""The portable subset (README): what WhatsApp and the console could not show the same way is
named, and long lists page within it."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, SendPoll
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import make_i18n
from bot.render.portable import problems
from handlers.common.keyboards import paged


class PickCb(CallbackData, prefix="pick"):
    id: int


class PageCb(CallbackData, prefix="page"):
    page: int


def options(count: int) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=str(n), callback_data=f"n:{n}")] for n in range(count)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def send(markup: object) -> SendMessage:
    return SendMessage(chat_id=1, text="?", reply_markup=markup)  # type: ignore[arg-type]


def test_at_most_ten_options_a_message() -> None:
    assert problems(send(options(10))) == []
    assert problems(send(options(11))) == ["11 options: at most 10, page the rest"]


def test_only_buttons_every_channel_can_answer() -> None:
    link = InlineKeyboardButton(text="Site", url="https://example.org")
    web_app = InlineKeyboardButton(text="App", switch_inline_query="x")
    assert problems(send(InlineKeyboardMarkup(inline_keyboard=[[link]]))) == []
    assert problems(send(InlineKeyboardMarkup(inline_keyboard=[[web_app]]))) == [
        "button 'App' is neither an option nor a link"
    ]
    share = KeyboardButton(text="Share my number", request_contact=True)
    where = KeyboardButton(text="Where am I", request_location=True)
    assert problems(send(ReplyKeyboardMarkup(keyboard=[[share]]))) == []
    assert problems(send(ReplyKeyboardMarkup(keyboard=[[where]]))) == [
        "button 'Where am I' asks for what only Telegram can give"
    ]
    poll = SendPoll(chat_id=1, question="?", options=["a", "b"])
    assert problems(poll) == ["SendPoll is not in the portable subset"]


def test_no_new_buttons_by_editing_in_place() -> None:
    assert problems(EditMessageText(chat_id=1, message_id=2, text="done")) == []
    assert problems(EditMessageReplyMarkup(chat_id=1, message_id=2, reply_markup=None)) == []
    edit = EditMessageText(chat_id=1, message_id=2, text="next", reply_markup=options(2))
    assert problems(edit) == ["an edit brings new buttons: send them in a new message"]


def test_a_long_list_pages_with_more() -> None:
    regions = list(range(1, 21))

    i18n = make_i18n()

    def page(number: int) -> list[str]:
        with i18n.context(), i18n.use_locale("en"):
            markup = paged(
                regions, number, lambda r: (f"R{r}", PickCb(id=r)), lambda p: PageCb(page=p)
            )
        assert problems(send(markup)) == []
        return [b.text for row in markup.inline_keyboard for b in row]

    assert page(0) == [f"R{r}" for r in range(1, 10)] + ["More ▸"]
    assert page(1) == [f"R{r}" for r in range(10, 19)] + ["More ▸"]
    assert page(2) == ["R19", "R20"]
    assert page(99) == ["R19", "R20"]  # a forged page number shows the last page
