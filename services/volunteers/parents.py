"""A parent who is not registered yet consents for their child: registered and recorded in one
commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.consent import consent_for
from services.onboarding.registration import Newcomer, _create_person
from services.uow import unit_of_work
from services.volunteers.applications import CardRenderer, consent_in


async def newcomer_parent_consents(
    session: AsyncSession, newcomer: Newcomer, code: str, *, card: CardRenderer
) -> str:
    """The consent text a newcomer parent reads covers their own name and account too (kept to
    show who consented); the volunteer's name is returned. ParentLinkUsed: nothing is stored."""
    async with unit_of_work(session):
        registration = await _create_person(
            session, newcomer, consent_for(newcomer.locale), None, None
        )
        return await consent_in(session, code, registration.actor.person_id, newcomer.locale, card)
