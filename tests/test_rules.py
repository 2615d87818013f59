"""Pure rules, tested directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.invites.invites import InviteReason, invite_problem
from services.locales import guess_locale
from services.messaging.outbox import retry_delay
from services.roles import Role, may_invite, may_self_assign
from storage.models.invites import Invite

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def invite(**overrides: object) -> Invite:
    values: dict[str, object] = {
        "code": "abc",
        "role": "teacher",
        "expires_at": NOW + timedelta(days=1),
        "max_uses": 1,
        "uses": 0,
        "revoked_at": None,
    }
    values.update(overrides)
    return Invite(**values)


def test_invite_problems() -> None:
    assert invite_problem(invite(), NOW) is None
    assert invite_problem(None, NOW) == InviteReason.UNKNOWN
    assert invite_problem(invite(expires_at=NOW), NOW) == InviteReason.EXPIRED
    assert invite_problem(invite(uses=1), NOW) == InviteReason.USED_UP
    assert invite_problem(invite(max_uses=3, uses=2), NOW) is None
    assert invite_problem(invite(revoked_at=NOW), NOW) == InviteReason.REVOKED


def test_only_admins_invite_and_only_into_staff_roles() -> None:
    assert may_invite({Role.ADMIN}, Role.TEACHER)
    assert may_invite({Role.ADMIN, Role.VOLUNTEER}, Role.ADMIN)
    assert not may_invite({Role.COORDINATOR, Role.TEACHER}, Role.TEACHER)
    assert not may_invite({Role.ADMIN}, Role.VOLUNTEER)
    assert may_self_assign(Role.PARENT) and may_self_assign(Role.VOLUNTEER)
    assert not may_self_assign(Role.TEACHER) and not may_self_assign(Role.ADMIN)


def test_locale_guess_from_telegram_language_code() -> None:
    assert guess_locale("ru") == "ru"
    assert guess_locale("en-GB") == "en"
    assert guess_locale("kk") == "kk"
    assert guess_locale("uz") == "kk"
    assert guess_locale(None) == "kk"


def test_retry_delay_grows_and_is_capped() -> None:
    assert retry_delay(1) == timedelta(seconds=2)
    assert retry_delay(3) == timedelta(seconds=8)
    assert retry_delay(30) == timedelta(minutes=10)
