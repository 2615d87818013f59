"""What we hold about a person, shown to them in full, and deleted on request.

The person's own record, accounts, roles, consents and children are read here; every feature
and channel adds what it stores through its `Hooks` (export), and deletes what does not
cascade from the person's row (forget).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.admins import check_not_last_admin, keep_an_admin
from services.errors import NotRegistered
from services.hooks import Hooks
from services.uow import reading, unit_of_work
from storage.changes import people_changed
from storage.models.people import ChannelIdentity, Child, ConsentRecord, Person, RoleGrant


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, containers all the way down (our enums are strings already)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


async def export_person(
    session: AsyncSession, person_id: int, hooks: Sequence[Hooks]
) -> dict[str, Any]:
    """Everything stored about a person and the children they act for, as JSON-safe data."""
    async with reading(session):
        person = await session.get(Person, person_id)
        if person is None:
            raise NotRegistered()
        identities = await session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.person_id == person_id)
        )
        roles = await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
        consents = await session.scalars(
            select(ConsentRecord).where(ConsentRecord.person_id == person_id)
        )
        children = await session.scalars(select(Child).where(Child.parent_id == person_id))
        data: dict[str, Any] = {
            "person": _row(
                person, "id", "full_name", "phone", "locale", "preferred_channel", "created_at"
            ),
            "channels": [
                _row(i, "channel", "external_id", "blocked", "created_at") for i in identities
            ],
            "roles": [
                _row(r, "role", "region_id", "club_id", "site_id", "child_id", "created_at")
                for r in roles
            ],
            "consents": [
                _row(c, "purpose", "text_version", "locale", "child_id", "given_at", "withdrawn_at")
                for c in consents
            ],
            "children": [_row(c, "id", "first_name", "created_at") for c in children],
        }
        for feature in hooks:
            if feature.export is None:
                continue
            sections = await feature.export(session, person_id)
            if clash := data.keys() & sections.keys():
                raise ValueError(f"two features export {sorted(clash)}")
            data.update(sections)
    return jsonable(data)  # type: ignore[no-any-return]


async def forget_person(session: AsyncSession, person_id: int, hooks: Sequence[Hooks]) -> None:
    """Delete the person and everything hanging on them, in one commit.

    Accounts, roles, consents, children and queued messages cascade from the person's row;
    each feature's `forget` deletes what is keyed otherwise (a phone number, say) first. The
    only administrator is refused (LastAdmin), checked under a lock on the admin grants.
    """
    async with unit_of_work(session):
        await keep_an_admin(session, person_id)
        for feature in hooks:
            if feature.forget is not None:
                await feature.forget(session, person_id)
        deleted = await session.execute(delete(Person).where(Person.id == person_id))
        people_changed(session, persons=[person_id])
        if getattr(deleted, "rowcount", 0) == 0:
            raise NotRegistered()


async def check_forget(session: AsyncSession, person_id: int) -> None:
    """Before asking "delete everything?": raises LastAdmin for the only administrator."""
    await check_not_last_admin(session, person_id)
