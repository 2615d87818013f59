"""The rules of changing roles, on the services alone: self-service roles, revoking staff
roles, cancelling invites, and the last administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.assembly import assemble
from services.admins import check_not_last_admin, leaves_no_admin
from services.channels import Channel
from services.consent import consent_for
from services.errors import LastAdmin, NotAllowed, NotRegistered
from services.grants.held import grants_of
from services.grants.self_service import (
    RoleAlreadyHeld,
    add_self_service_role,
    self_service_to_add,
)
from services.grants.staff import (
    GrantGone,
    RevokedNotice,
    list_staff,
    revoke_grant,
    staff_member,
)
from services.invites.invites import InviteProblem, create_invite, redeem_as_member
from services.invites.open_invites import cancel_invite, list_open_invites
from services.onboarding.registration import Newcomer, register
from services.personal_data import check_forget, forget_person
from services.roles import Role, Scope, ScopeKind
from storage.base import utcnow
from storage.models.messaging import OutboxMessage
from storage.models.org import Club
from storage.models.people import ConsentRecord, Person, RoleGrant

DAY = timedelta(days=1)
HOOKS = assemble(timedelta(days=7)).hooks
ADMIN = frozenset({Role.ADMIN})
NOTICES: list[RevokedNotice] = []


def notice(revoked: RevokedNotice) -> str:
    NOTICES.append(revoked)
    return f"{revoked.role} ({revoked.place}) gone, in {revoked.locale}"


async def person(
    session: AsyncSession, external_id: str, *roles: Role, locale: str = "en", club: int = 0
) -> int:
    """A registered person with these roles (staff roles through bootstrap invites)."""
    self_role = next((r for r in roles if r in (Role.PARENT, Role.VOLUNTEER)), None)
    newcomer = Newcomer(Channel.TELEGRAM, external_id, f"Person {external_id}", locale)
    registration = await register(session, newcomer, consent_for(locale), role=self_role)
    person_id = registration.actor.person_id
    for role in roles:
        if role in (Role.PARENT, Role.VOLUNTEER):
            continue
        scope = Scope(ScopeKind.CLUB, club) if role is Role.TEACHER else Scope()
        view = await create_invite(session, None, frozenset(), role, scope, ttl=DAY, bootstrap=True)
        await redeem_as_member(session, person_id, view.code, locale)
    return person_id


async def a_club(session: AsyncSession, name: str = "Robotics") -> int:
    club = Club(name=name)
    session.add(club)
    await session.commit()
    return club.id


async def roles(session: AsyncSession, person_id: int) -> list[str]:
    found = await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person_id))
    await session.rollback()
    return sorted(found)


def test_offered_self_service_roles_and_the_last_admin_rule() -> None:
    assert self_service_to_add([]) == [Role.PARENT, Role.VOLUNTEER]
    assert self_service_to_add([Role.TEACHER, Role.PARENT]) == [Role.VOLUNTEER]
    assert self_service_to_add([Role.PARENT, Role.VOLUNTEER]) == []
    assert leaves_no_admin(frozenset({1}), 1)
    assert not leaves_no_admin(frozenset({1, 2}), 1)
    assert not leaves_no_admin(frozenset({1}), 2)  # not an admin: nothing to lose
    assert not leaves_no_admin(frozenset(), 2)


async def test_self_service_role_is_added_once_and_staff_roles_are_refused(
    session: AsyncSession,
) -> None:
    person_id = await person(session, "1", locale="ru")
    for staff in (Role.TEACHER, Role.ADMIN, Role.COORDINATOR, Role.DUTY_OFFICER):
        with pytest.raises(NotAllowed):
            await add_self_service_role(session, person_id, staff)
    assert await roles(session, person_id) == []
    assert await add_self_service_role(session, person_id, Role.PARENT) == {Role.PARENT}
    with pytest.raises(RoleAlreadyHeld):
        await add_self_service_role(session, person_id, Role.PARENT)
    consents = (
        await session.execute(
            select(ConsentRecord.purpose, ConsentRecord.text_version, ConsentRecord.locale)
            .where(ConsentRecord.person_id == person_id)
            .order_by(ConsentRecord.id)
        )
    ).all()
    await session.rollback()
    (_, version, locale), children = consents[0], consents[1]
    assert children == ("parent_for_children", version, locale)  # as consented then
    assert len(consents) == 2  # the refused second grant recorded nothing
    assert await add_self_service_role(session, person_id, Role.VOLUNTEER) == {
        Role.PARENT,
        Role.VOLUNTEER,
    }
    with pytest.raises(NotRegistered):
        await add_self_service_role(session, 999_999, Role.PARENT)


async def test_revoking_a_teacher_tells_them_and_leaves_their_other_roles(
    session: AsyncSession,
) -> None:
    club = await a_club(session)
    admin = await person(session, "1", Role.ADMIN)
    teacher = await person(session, "2", Role.TEACHER, Role.PARENT, locale="kk", club=club)
    staff = await list_staff(session, "en")
    assert [(m.person_id, [g.role for g in m.grants]) for m in staff] == [
        (admin, [Role.ADMIN]),
        (teacher, [Role.TEACHER]),  # only staff roles
    ]
    [grant] = staff[1].grants
    assert grant.place == "Robotics"
    parent_grant = next(g for g in await grants_of(session, teacher, "en") if g.role == "parent")

    with pytest.raises(NotAllowed):  # only an administrator revokes
        await revoke_grant(session, teacher, grant.id, "en", notice)
    with pytest.raises(GrantGone):  # a self-service role is not revoked here
        await revoke_grant(session, admin, parent_grant.id, "en", notice)
    revoked = await revoke_grant(session, admin, grant.id, "en", notice)
    assert (revoked.grant.role, revoked.grant.place, revoked.full_name) == (
        Role.TEACHER,
        "Robotics",
        "Person 2",
    )
    assert revoked.remaining == {Role.PARENT}
    assert NOTICES[-1] == RevokedNotice(Role.TEACHER, "Robotics", "kk")
    assert await roles(session, teacher) == ["parent"]
    told = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "role_revoked"))
    assert told is not None
    assert told.payload == {"text": "teacher (Robotics) gone, in kk", "locale": "kk"}
    await session.rollback()
    with pytest.raises(GrantGone):  # twice
        await revoke_grant(session, admin, grant.id, "en", notice)
    assert await staff_member(session, teacher, "en") is None


async def test_the_last_admin_keeps_the_role_and_cannot_be_forgotten(
    session: AsyncSession,
) -> None:
    admin = await person(session, "1", Role.ADMIN, Role.VOLUNTEER)
    [admin_grant] = (await staff_member(session, admin, "en")).grants  # type: ignore[union-attr]
    with pytest.raises(LastAdmin):
        await revoke_grant(session, admin, admin_grant.id, "en", notice)
    with pytest.raises(LastAdmin):
        await check_forget(session, admin)
    with pytest.raises(LastAdmin):
        await forget_person(session, admin, HOOKS)
    assert await roles(session, admin) == ["admin", "volunteer"]
    assert await session.scalar(select(func.count()).select_from(Person)) == 1
    await session.rollback()

    other = await person(session, "2", Role.ADMIN)
    await check_forget(session, admin)  # two admins: either may go
    revoked = await revoke_grant(session, admin, admin_grant.id, "en", notice)
    assert revoked.remaining == {Role.VOLUNTEER}
    with pytest.raises(LastAdmin):  # now the other one is the last
        await forget_person(session, other, HOOKS)
    await check_not_last_admin(session, admin)  # not an admin any more: free to go
    await forget_person(session, admin, HOOKS)
    assert await roles(session, other) == ["admin"]


async def test_open_invites_are_listed_and_a_cancelled_code_fails(session: AsyncSession) -> None:
    club = await a_club(session)
    admin = await person(session, "1", Role.ADMIN)
    member = await person(session, "2", Role.VOLUNTEER)
    teacher = await create_invite(
        session, admin, ADMIN, Role.TEACHER, Scope(ScopeKind.CLUB, club), ttl=DAY, locale="en"
    )
    later = await create_invite(session, admin, ADMIN, Role.ADMIN, Scope(), ttl=2 * DAY)
    await create_invite(session, admin, ADMIN, Role.ADMIN, Scope(), ttl=-DAY)  # expired
    listed = await list_open_invites(session, "en")
    assert [(i.role, i.place) for i in listed] == [(Role.TEACHER, "Robotics"), (Role.ADMIN, "")]

    with pytest.raises(NotAllowed):
        await cancel_invite(session, frozenset({Role.TEACHER}), listed[0].id, "en")
    cancelled = await cancel_invite(session, ADMIN, listed[0].id, "en")
    assert (cancelled.role, cancelled.place) == (Role.TEACHER, "Robotics")
    with pytest.raises(InviteProblem) as problem:
        await redeem_as_member(session, member, teacher.code, "en")
    assert problem.value.reason == "revoked"
    with pytest.raises(InviteProblem) as problem:
        await cancel_invite(session, ADMIN, listed[0].id, "en")
    assert problem.value.reason == "revoked"

    await redeem_as_member(session, member, later.code, "en")
    with pytest.raises(InviteProblem) as problem:  # used meanwhile
        await cancel_invite(session, ADMIN, listed[1].id, "en")
    assert problem.value.reason == "used_up"
    with pytest.raises(InviteProblem) as problem:
        await cancel_invite(session, ADMIN, 424242, "en")
    assert problem.value.reason == "unknown"
    assert await list_open_invites(session, "en", now=utcnow()) == []
