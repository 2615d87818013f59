"""Roles, the places they are scoped to, and who may take which role (pure rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"  # of a region
    TEACHER = "teacher"  # of a club
    PARENT = "parent"  # of a child
    DUTY_OFFICER = "duty_officer"  # of a site
    VOLUNTEER = "volunteer"


class ScopeKind(StrEnum):
    REGION = "region"
    CLUB = "club"
    SITE = "site"
    CHILD = "child"


@dataclass(frozen=True)
class Scope:
    """Where a role applies: a region, club, site or child, or nowhere in particular."""

    kind: ScopeKind | None = None
    id: int | None = None

    @property
    def key(self) -> str:
        """ "club:3", or "" for no scope: what makes a grant unique per person and role."""
        return f"{self.kind}:{self.id}" if self.kind is not None else ""

    @classmethod
    def of(
        cls,
        region_id: int | None = None,
        club_id: int | None = None,
        site_id: int | None = None,
        child_id: int | None = None,
    ) -> Scope:
        """The scope of a row that has a column per kind of place, at most one of them set."""
        for kind, value in (
            (ScopeKind.REGION, region_id),
            (ScopeKind.CLUB, club_id),
            (ScopeKind.SITE, site_id),
            (ScopeKind.CHILD, child_id),
        ):
            if value is not None:
                return cls(kind, value)
        return cls()


SELF_SERVICE_ROLES = frozenset({Role.VOLUNTEER, Role.PARENT})
INVITE_ONLY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.TEACHER, Role.DUTY_OFFICER})

# Which scope an invited role needs: coordinators a region, teachers a club, duty officers a site.
SCOPE_OF_ROLE: dict[Role, ScopeKind | None] = {
    Role.ADMIN: None,
    Role.COORDINATOR: ScopeKind.REGION,
    Role.TEACHER: ScopeKind.CLUB,
    Role.DUTY_OFFICER: ScopeKind.SITE,
}


def may_invite(inviter_roles: Iterable[Role], role: Role) -> bool:
    """Only admins hand out staff roles; nobody can invite into a self-service role."""
    return role in INVITE_ONLY_ROLES and Role.ADMIN in set(inviter_roles)


def may_self_assign(role: Role) -> bool:
    return role in SELF_SERVICE_ROLES


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Stored role names as roles; a name this version does not know is left out."""
    known = {role.value for role in Role}
    return frozenset(Role(value) for value in values if value in known)
