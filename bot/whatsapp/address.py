"""WhatsApp numbers as aiogram sees them: the digits of the E.164 number are the chat id."""

from __future__ import annotations

import phonenumbers

PREFIX = "whatsapp:+"


def chat_id_of(address: str) -> int:
    """ "whatsapp:+77011234567" -> 77011234567; ValueError for anything else.

    Strict: ASCII digits in canonical E.164 only. Other digit scripts and leading zeros would
    otherwise make a second, different-looking account for the same phone.
    """
    if not address.startswith(PREFIX):
        raise ValueError("not a WhatsApp address")
    digits = address.removeprefix(PREFIX)
    if not (digits.isascii() and digits.isdigit()) or not 7 <= len(digits) <= 15:
        raise ValueError("not a WhatsApp number")
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number") from error
    canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if canonical != "+" + digits or not phonenumbers.is_possible_number(number):
        raise ValueError("not a canonical phone number")
    return int(digits)


def address_of(chat_id: int | str) -> str:
    return f"{PREFIX}{int(chat_id)}"
