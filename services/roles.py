"""Who may take which role, and how (pure rules)."""

from __future__ import annotations

from collections.abc import Iterable

from storage.models import Role

SELF_SERVICE_ROLES = frozenset({Role.VOLUNTEER, Role.PARENT})
INVITE_ONLY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.TEACHER, Role.DUTY_OFFICER})

# Which scope an invited role needs: coordinators a region, teachers a club, duty officers a site.
SCOPE_OF_ROLE: dict[Role, str | None] = {
    Role.ADMIN: None,
    Role.COORDINATOR: "region",
    Role.TEACHER: "club",
    Role.DUTY_OFFICER: "site",
}


def may_invite(inviter_roles: Iterable[str], role: Role) -> bool:
    """Only admins hand out staff roles; nobody can invite into a self-service role."""
    return role in INVITE_ONLY_ROLES and Role.ADMIN in set(inviter_roles)


def may_self_assign(role: Role) -> bool:
    return role in SELF_SERVICE_ROLES
