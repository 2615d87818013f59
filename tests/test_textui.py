"""Bot API calls rendered as text, and typed answers mapped back to buttons."""

from __future__ import annotations

import json

from aiogram.client.default import Default
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageText,
    SendChatAction,
    SendDocument,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.render.choices import Choices, Press, Say, ShareContact, Style
from bot.render.textui import Rendered, next_choices, plain_text, render
from handlers.common.labels import clip


def languages() -> InlineKeyboardMarkup:
    names = [("Қазақша", "lang:kk"), ("Русский", "lang:ru"), ("English", "lang:en")]
    row = [InlineKeyboardButton(text=text, callback_data=data) for text, data in names]
    return InlineKeyboardMarkup(inline_keyboard=[row])


def roles() -> InlineKeyboardMarkup:
    labels = [
        ("🙋 Volunteer (camp leader)", "role:volunteer"),
        ("👪 Parent", "role:parent"),
        ("🧑‍🏫 Teacher", "role:teacher"),
        ("🏛 Palace staff", "role:staff"),
    ]
    rows = [[InlineKeyboardButton(text=text, callback_data=data)] for text, data in labels]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def shown(method: object, style: Style = Style.WHATSAPP) -> Rendered:
    rendered = render(method, style)  # type: ignore[arg-type]
    assert rendered is not None
    return rendered


def test_inline_keyboard_becomes_numbered_options() -> None:
    rendered = shown(SendMessage(chat_id=7, text="Choose a language:", reply_markup=languages()))
    assert rendered.text == "Choose a language:\n\n1. Қазақша\n2. Русский\n3. English"
    assert rendered.chat_id == 7 and rendered.is_message
    assert rendered.choices is not None and rendered.choices.kind == "inline"


def test_telegram_style_says_they_are_buttons() -> None:
    rendered = shown(SendMessage(chat_id=7, text="Hi", reply_markup=languages()), Style.TELEGRAM)
    assert rendered.text.splitlines()[-1] == "⌨ buttons"
    assert "1. Қазақша" in rendered.text


def test_pick_by_number_text_or_first_words() -> None:
    choices = shown(SendMessage(chat_id=7, text="Who?", reply_markup=roles())).choices
    assert choices is not None
    picked = [choices.pick(typed) for typed in ("2", " 3. ", "👪 parent", "VOLUNTEER")]
    assert [o.action if o else None for o in picked] == [
        Press("role:parent"),
        Press("role:teacher"),
        Press("role:parent"),
        Press("role:volunteer"),
    ]
    assert choices.pick("palace staff") is not None
    assert choices.pick("5") is None
    assert choices.pick("0") is None
    assert choices.pick("hello") is None
    assert choices.pick("🙂") is None
    assert choices.pick("/parent") is None  # commands are never picks


def test_ambiguous_first_words_pick_nothing() -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Алматы", callback_data="r:1")],
            [InlineKeyboardButton(text="Алматы облысы", callback_data="r:2")],
            [InlineKeyboardButton(text="Абай облысы", callback_data="r:3")],
        ]
    )
    choices = shown(SendMessage(chat_id=1, text="?", reply_markup=markup)).choices
    assert choices is not None
    assert choices.pick("алматы") == choices.options[0]  # the exact name wins
    assert choices.pick("Абай") == choices.options[2]
    assert choices.pick("облысы") is None


def test_reply_keyboard_sends_text_or_shares_contact() -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📱 Share my number", request_contact=True)],
            [KeyboardButton(text="Skip"), KeyboardButton(text="📍 Here", request_location=True)],
        ],
        one_time_keyboard=True,
    )
    rendered = shown(SendMessage(chat_id=1, text="Phone?", reply_markup=markup), Style.TELEGRAM)
    assert rendered.text == "Phone?\n\n1. 📱 Share my number\n2. Skip\n· 📍 Here\n⌨ keyboard"
    choices = rendered.choices
    assert choices is not None and choices.kind == "reply"
    first, second = choices.options
    assert first.action == ShareContact() and second.action == Say("Skip")
    assert choices.after_pick() is None  # one-time keyboards hide once used


def test_url_buttons_are_shown_but_not_numbered() -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Lesson link", url="https://meet.example/x")],
            [InlineKeyboardButton(text="Done", callback_data="done")],
        ]
    )
    rendered = shown(SendMessage(chat_id=1, text="Today", reply_markup=markup))
    assert rendered.text == "Today\n\n🔗 Lesson link (https://meet.example/x)\n1. Done"


def test_document_shows_name_size_and_json_head() -> None:
    body = json.dumps({"person": {"id": 3, "full_name": "Ольга Ким"}, "children": []}).encode()
    method = SendDocument(
        chat_id=1, document=BufferedInputFile(body, filename="me.json"), caption="Your data"
    )
    lines = shown(method).text.splitlines()
    assert lines[0] == f"📎 me.json ({len(body)} bytes)"
    assert lines[1:4] == ["│ {", '│   "person": {', '│     "id": 3,']
    assert lines[-1] == "Your data"


def test_big_or_binary_documents_show_only_their_name() -> None:
    binary = SendDocument(chat_id=1, document=BufferedInputFile(b"\xff\xfe", filename="a.json"))
    assert shown(binary).text == "📎 a.json (2 bytes)"
    pdf = SendDocument(chat_id=1, document=BufferedInputFile(b"%PDF", filename="plan.pdf"))
    assert shown(pdf).text == "📎 plan.pdf (4 bytes)"


def test_markup_is_stripped() -> None:
    assert plain_text('<b>Hi</b> &amp; <a href="https://x.kz">site</a><br>bye', "HTML") == (
        "Hi & site (https://x.kz)\nbye"
    )
    assert plain_text(r"*Hi* \- [site](https://x.kz) 1\.5", "MarkdownV2") == (
        "Hi - site (https://x.kz) 1.5"
    )
    assert plain_text("<b>as is</b>", None) == "<b>as is</b>"
    html_call = SendMessage(chat_id=1, text="<i>x</i>", parse_mode=Default("parse_mode"))
    rendered = render(html_call, parse_mode="HTML")
    assert rendered is not None and rendered.text == "x"


def test_callback_answers_commands_and_invisible_calls() -> None:
    alert = AnswerCallbackQuery(callback_query_id="1", text="Out of date", show_alert=True)
    assert shown(alert).text == "⚠️ Out of date"
    assert shown(AnswerCallbackQuery(callback_query_id="1", text="Saved")).text == "💬 Saved"
    assert render(AnswerCallbackQuery(callback_query_id="1")) is None
    assert render(SendChatAction(chat_id=1, action="typing")) is None
    menu = SetMyCommands(commands=[BotCommand(command="help", description="Help")])
    assert shown(menu, Style.TELEGRAM).text == "☰ menu: /help"
    assert render(menu, Style.WHATSAPP) is None  # WhatsApp has no command menu
    assert shown(DeleteMessage(chat_id=1, message_id=4)).text == "🗑 message #4 deleted"


def test_edits_are_marked_on_telegram_and_new_text_on_whatsapp() -> None:
    edit = EditMessageText(chat_id=1, message_id=5, text="New", reply_markup=languages())
    telegram = shown(edit, Style.TELEGRAM)
    assert telegram.text.startswith("✏️ message #5 edited:\nNew\n\n1. Қазақша")
    assert shown(edit).text.startswith("New\n\n1. Қазақша")
    assert telegram.edited_message_id == 5 and telegram.choices is not None


def test_latest_message_decides_what_numbers_mean() -> None:
    offered = shown(SendMessage(chat_id=1, text="?", reply_markup=languages())).choices
    assert offered is not None
    inline = offered.on_message(10)
    plain = shown(SendMessage(chat_id=1, text="Thanks"))
    alert = shown(AnswerCallbackQuery(callback_query_id="1", text="!"))
    assert next_choices(inline, alert) is inline  # a toast is not a new message
    assert next_choices(inline, plain) is None
    edit_other = shown(EditMessageText(chat_id=1, message_id=9, text="x"))
    edit_same = shown(EditMessageText(chat_id=1, message_id=10, text="x"))
    assert next_choices(inline, edit_other) is inline
    assert next_choices(inline, edit_same) is None  # editing away the buttons removes them

    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Menu")]])
    reply = shown(SendMessage(chat_id=1, text="?", reply_markup=keyboard)).choices
    assert reply is not None
    assert next_choices(reply, plain) is reply  # a reply keyboard stays up
    removed = shown(SendMessage(chat_id=1, text="ok", reply_markup=ReplyKeyboardRemove()))
    assert next_choices(reply, removed) is None


def test_choices_survive_a_round_trip_through_json() -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Phone", request_contact=True), KeyboardButton(text="No")]]
    )
    reply = shown(SendMessage(chat_id=1, text="?", reply_markup=markup)).choices
    inline = shown(SendMessage(chat_id=1, text="?", reply_markup=roles())).choices
    assert reply is not None and inline is not None
    for choices in (reply, inline.on_message(3)):
        restored = Choices.from_dict(json.loads(json.dumps(choices.to_dict())))
        assert restored == choices


def test_a_long_button_text_is_cut_at_a_word() -> None:
    title = "2. 25 ноября 2026 г., 18:00 · Мастерство вожатого: игра и безопасность"
    assert clip(title) == "2. 25 ноября 2026 г., 18:00 · Мастерство вожатого: игра и…"
    assert len(clip(title)) <= 60
    assert clip("short") == "short"
