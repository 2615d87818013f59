"""What we hold about a person, shown to them in full, and deleted on request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import NotRegistered
from storage.models import (
    ChannelIdentity,
    Child,
    ConsentRecord,
    MediaFile,
    OutboxMessage,
    Person,
    RoleGrant,
    WhatsAppChat,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {name: _iso(getattr(obj, name)) for name in fields}


async def export_person(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """Everything stored about a person and the children they act for, as plain data."""
    person = await session.get(Person, person_id)
    if person is None:
        raise NotRegistered()
    identities = list(
        await session.scalars(select(ChannelIdentity).where(ChannelIdentity.person_id == person_id))
    )
    roles = await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
    consents = await session.scalars(
        select(ConsentRecord).where(ConsentRecord.person_id == person_id)
    )
    children = await session.scalars(select(Child).where(Child.parent_id == person_id))
    numbers = [i.external_id for i in identities if i.channel == "whatsapp"]
    chats = await session.scalars(select(WhatsAppChat).where(WhatsAppChat.address.in_(numbers)))
    messages = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.identity_id.in_([i.id for i in identities]))
    )
    return {
        "person": _row(
            person, "id", "full_name", "phone", "locale", "preferred_channel", "created_at"
        ),
        "channels": [
            _row(i, "channel", "external_id", "blocked", "created_at") for i in identities
        ],
        "whatsapp_chats": [_row(c, "address", "last_inbound_at", "choices") for c in chats],
        "roles": [
            _row(r, "role", "region_id", "club_id", "site_id", "child_id", "created_at")
            for r in roles
        ],
        "consents": [
            _row(c, "purpose", "text_version", "locale", "child_id", "given_at", "withdrawn_at")
            for c in consents
        ],
        "children": [_row(c, "id", "first_name", "created_at") for c in children],
        "scheduled_messages": [
            _row(m, "kind", "status", "not_before", "sent_at", "payload") for m in messages
        ],
    }


async def forget_person(session: AsyncSession, person_id: int) -> None:
    """Delete the person; identities, roles, consents, children and outbox rows cascade."""
    numbers = select(ChannelIdentity.external_id).where(
        ChannelIdentity.person_id == person_id, ChannelIdentity.channel == "whatsapp"
    )
    # The WhatsApp chat row holds the number and the window; it is not tied to the person by key.
    await session.execute(delete(WhatsAppChat).where(WhatsAppChat.address.in_(numbers)))
    # Documents sent to those numbers (a /mydata export, say) go now, not when their links expire.
    await session.execute(delete(MediaFile).where(MediaFile.recipient.in_(numbers)))
    deleted = await session.execute(delete(Person).where(Person.id == person_id))
    if getattr(deleted, "rowcount", 0) == 0:
        raise NotRegistered()
    await session.commit()
