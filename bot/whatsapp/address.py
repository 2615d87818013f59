"""WhatsApp numbers as aiogram sees them: the digits of the E.164 number are the chat id."""

from __future__ import annotations

PREFIX = "whatsapp:+"


def chat_id_of(address: str) -> int:
    """ "whatsapp:+77011234567" -> 77011234567; ValueError for anything else."""
    if not address.startswith(PREFIX):
        raise ValueError(f"not a WhatsApp address: {address!r}")
    digits = address.removeprefix(PREFIX)
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise ValueError(f"not a WhatsApp number: {address!r}")
    return int(digits)


def address_of(chat_id: int | str) -> str:
    return f"{PREFIX}{int(chat_id)}"
