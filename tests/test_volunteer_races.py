"""Volunteer applications under concurrency: two coordinators deciding at once, and a parent's
link used twice at once, each settle once (real only on PostgreSQL; see tests/test_races.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.app import App
from services.channels import Channel
from services.consent import consent_for
from services.onboarding.registration import Newcomer, register
from services.roles import Role, Scope, ScopeKind
from services.volunteers.applications import (
    AlreadyDecided,
    ParentLinkUsed,
    Result,
    decide,
    give_parent_consent,
)
from storage.models.messaging import OutboxMessage
from storage.models.people import ConsentRecord, RoleGrant
from storage.models.volunteers import Volunteer
from tests.conftest import Db
from tests.test_races import race

HOLD = "LOCK TABLE volunteer IN EXCLUSIVE MODE"  # reads go on, every UPDATE waits


async def person(app: App, number: int, role: Role | None = None, region: int = 1) -> int:
    async with app.session_factory() as session:
        registration = await register(
            session,
            Newcomer(Channel.TELEGRAM, str(number), f"Person {number}", "en"),
            consent_for("en"),
        )
        person_id = registration.actor.person_id
        if role is not None:
            scope = Scope(ScopeKind.REGION, region) if role is Role.COORDINATOR else Scope()
            session.add(
                RoleGrant(
                    person_id=person_id,
                    role=role,
                    region_id=scope.id,
                    scope_key=scope.key,
                )
            )
            await session.commit()
    return person_id


async def application(app: App, person_id: int, status: str, code: str | None = None) -> int:
    async with app.session_factory() as session:
        volunteer = Volunteer(
            person_id=person_id,
            birth_date=date(2008, 3, 5),
            region_id=1,
            status=status,
            parent_code=code,
        )
        session.add(volunteer)
        await session.commit()
        return volunteer.id


def card(_: Any) -> dict[str, Any]:
    return {"text": "card"}


def told(result: Result) -> str:
    return "approved" if result.approved else "rejected"


async def test_two_coordinators_deciding_at_once_decide_once(app: App, db: Db) -> None:
    first = await person(app, 501, Role.COORDINATOR)
    second = await person(app, 502, Role.COORDINATOR)
    volunteer_id = await application(app, await person(app, 503), "pending")

    async def deciding(reviewer: int, approve: bool) -> Any:
        async with app.session_factory() as session:
            return await decide(
                session, reviewer, volunteer_id, approve=approve, reason=None, tell=told
            )

    results = await race(app, HOLD, [deciding(first, True), deciding(second, False)])
    decided = [r for r in results if not isinstance(r, BaseException)]
    assert len(decided) == 1, results
    assert [type(r) for r in results if isinstance(r, BaseException)] == [AlreadyDecided]
    volunteer = await db.scalar(select(Volunteer).where(Volunteer.id == volunteer_id))
    assert volunteer.status == ("approved" if decided[0].approved else "rejected")
    results_told = await db.all(
        select(OutboxMessage).where(OutboxMessage.kind == "volunteer_result")
    )
    assert len(results_told) == 1


async def test_a_parent_link_used_twice_at_once_counts_once(app: App, db: Db) -> None:
    child = await person(app, 601)
    await application(app, child, "awaiting_parent", "c0ffee")
    parents = [await person(app, 602 + i) for i in range(3)]

    async def consenting(parent: int) -> Any:
        async with app.session_factory() as session:
            return await give_parent_consent(session, "c0ffee", parent, "en", card=card)

    results = await race(app, HOLD, [consenting(p) for p in parents])
    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert all(isinstance(r, ParentLinkUsed) for r in results if isinstance(r, BaseException))
    volunteer = await db.scalar(select(Volunteer))
    assert volunteer.status == "pending" and volunteer.parent_code is None
    consents = await db.all(
        select(ConsentRecord).where(ConsentRecord.purpose == "parent_for_volunteer")
    )
    assert len(consents) == 1 and consents[0].person_id == volunteer.parent_consent_by_id
