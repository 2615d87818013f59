"""Fixture builders: registered people with roles, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from services.consent import consent_for
from services.invites.invites import create_invite, redeem_as_member
from services.onboarding.registration import Newcomer, register
from services.roles import SCOPE_OF_ROLE, Role, Scope, ScopeKind
from storage.models.org import Club, Site
from tests.driver import TelegramUser
from tests.whatsapp_driver import WhatsAppUser


async def registered(
    app: App, user: TelegramUser | WhatsAppUser, *roles: Role, locale: str = "en"
) -> int:
    """Registers the chat user with self-service roles and invite-only roles; returns person id."""
    async with app.session_factory() as session:
        self_role = next((r for r in roles if r in (Role.VOLUNTEER, Role.PARENT)), None)
        registration = await register(
            session,
            Newcomer(user.channel, user.external_id, user.first_name, locale),
            consent_for(locale),
            role=self_role,
        )
        person_id = registration.actor.person_id
        for role in roles:
            if role in (Role.VOLUNTEER, Role.PARENT):
                continue
            scope = await some_scope(session, role)
            view = await create_invite(
                session, None, frozenset(), role, scope, ttl=timedelta(days=1), bootstrap=True
            )
            await redeem_as_member(session, person_id, view.code, locale)
    return person_id


async def some_scope(session: AsyncSession, role: Role) -> Scope:
    kind = SCOPE_OF_ROLE.get(role)
    if kind is None:
        return Scope()
    if kind is ScopeKind.REGION:
        return Scope(kind, 1)
    model = Club if kind is ScopeKind.CLUB else Site
    existing = await session.scalar(select(model.id).limit(1))
    if existing is None:
        row = Club(name="Robotics") if kind is ScopeKind.CLUB else Site(name="Main building")
        session.add(row)
        await session.flush()
        existing = row.id
    return Scope(kind, existing)


def asked_again(user: object, question: str) -> str:
    """A step's question after an answer that does not fit: how to answer on this channel."""
    if getattr(user, "channel", None) == "whatsapp":
        hint = "Please reply with the number of your choice, or send /cancel."
    else:
        hint = "Please tap one of the buttons below, or send /cancel."
    return f"{hint}\n\n{question}"
