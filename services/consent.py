"""Consent to process personal data: recorded before anything else is stored."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.people import ConsentRecord

# Bump when the consent text changes; each record keeps the version the person saw.
CONSENT_TEXT_VERSION = "2026-11-v1"


class Purpose(StrEnum):
    SELF = "self"
    CHILDREN = "parent_for_children"  # a parent, for the children they add
    VOLUNTEER = "parent_for_volunteer"  # a parent, for their under-18 child volunteering


@dataclass(frozen=True)
class ConsentGiven:
    purpose: Purpose
    text_version: str
    locale: str


def consent_for(locale: str) -> ConsentGiven:
    """The person's consent for their own data, to the current text."""
    return ConsentGiven(purpose=Purpose.SELF, text_version=CONSENT_TEXT_VERSION, locale=locale)


async def record_consent(session: AsyncSession, person_id: int, consent: ConsentGiven) -> None:
    session.add(
        ConsentRecord(
            person_id=person_id,
            purpose=consent.purpose,
            text_version=consent.text_version,
            locale=consent.locale,
        )
    )
