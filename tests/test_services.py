"""Services without any transport, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.assembly import assemble
from bot.whatsapp.chats import touch_inbound
from bot.whatsapp.media_store import store_media
from services.channels import Channel
from services.consent import consent_for
from services.errors import AlreadyRegistered, NotAllowed
from services.invites.invites import InvalidScope, InviteProblem, create_invite, redeem_as_member
from services.linking.linking import offer_link
from services.maintenance import purge
from services.messaging.delivery import apply_early_statuses, record_status
from services.messaging.notify import fall_back
from services.messaging.outbox import claim_due, enqueue, mark_blocked, mark_sent_many, release
from services.messaging.statuses import DeliveryStatus
from services.onboarding.registration import Newcomer, register
from services.people import set_locale
from services.personal_data import export_person, forget_person
from services.roles import Role, Scope, ScopeKind
from services.updates import MAX_ATTEMPTS, count_attempt, is_finished, mark_finished
from storage.base import utcnow
from storage.models.messaging import EarlyStatus, OutboxMessage
from storage.models.people import ChannelIdentity, Child, ConsentRecord, Person, RoleGrant
from storage.models.system import ProcessedUpdate
from storage.models.whatsapp import WhatsAppChat

DAY = timedelta(days=1)
HOOKS = assemble(timedelta(days=7)).hooks
ADMIN = frozenset({Role.ADMIN})


def newcomer(external_id: str = "1", locale: str = "kk") -> Newcomer:
    return Newcomer(Channel.TELEGRAM, external_id, "Дана Әлиева", locale)


async def test_register_twice_is_refused(session: AsyncSession) -> None:
    await register(session, newcomer(), consent_for("kk"), role=Role.VOLUNTEER)
    with pytest.raises(AlreadyRegistered):
        await register(session, newcomer(), consent_for("kk"), role=Role.PARENT)
    await session.rollback()
    assert len(list(await session.scalars(select(Person)))) == 1


async def test_staff_role_cannot_be_self_assigned(session: AsyncSession) -> None:
    with pytest.raises(NotAllowed):
        await register(session, newcomer(), consent_for("kk"), role=Role.TEACHER)
    assert list(await session.scalars(select(Person))) == []


async def test_invites_only_from_admins_with_the_right_scope(session: AsyncSession) -> None:
    with pytest.raises(NotAllowed):
        await create_invite(
            session, None, frozenset({Role.TEACHER}), Role.TEACHER, Scope(), ttl=DAY
        )
    with pytest.raises(InvalidScope):
        await create_invite(session, None, ADMIN, Role.COORDINATOR, Scope(), ttl=DAY)
    with pytest.raises(InvalidScope):
        region_999 = Scope(ScopeKind.REGION, 999)
        await create_invite(session, None, ADMIN, Role.COORDINATOR, region_999, ttl=DAY)
    region_3 = Scope(ScopeKind.REGION, 3)
    view = await create_invite(session, None, ADMIN, Role.COORDINATOR, region_3, ttl=DAY)
    registration = await register(session, newcomer(), consent_for("ru"))
    person_id = registration.actor.person_id
    await redeem_as_member(session, person_id, view.code, "ru")
    grant = await session.scalar(select(RoleGrant).where(RoleGrant.person_id == person_id))
    assert grant is not None and (grant.role, grant.region_id) == ("coordinator", 3)
    with pytest.raises(InviteProblem) as problem:
        await redeem_as_member(session, person_id, view.code, "ru")
    assert problem.value.reason == "used_up"


async def test_export_and_forget_cover_children_and_consents(session: AsyncSession) -> None:
    registration = await register(
        session, newcomer(locale="ru"), consent_for("ru"), role=Role.PARENT
    )
    person_id = registration.actor.person_id
    session.add(Child(parent_id=person_id, first_name="Алихан"))
    await session.commit()
    await set_locale(session, person_id, "en")
    data = await export_person(session, person_id, HOOKS)
    assert data["person"]["locale"] == "en"
    assert [c["first_name"] for c in data["children"]] == ["Алихан"]
    assert sorted(c["purpose"] for c in data["consents"]) == ["parent_for_children", "self"]
    await forget_person(session, person_id, HOOKS)
    for model in (Person, Child, ConsentRecord, RoleGrant):
        assert list(await session.scalars(select(model))) == []


async def test_attempts_finish_and_purge_of_processed_updates(session: AsyncSession) -> None:
    now = utcnow()
    assert (await count_attempt(session, Channel.TELEGRAM, "10", now)).number == 1
    assert (await count_attempt(session, Channel.TELEGRAM, "10", now)).number == 2
    assert (await count_attempt(session, Channel.WHATSAPP, "10", now)).number == 1
    await session.run_sync(mark_finished, Channel.TELEGRAM, "10", now)
    await session.commit()
    assert await is_finished(session, Channel.TELEGRAM, "10")
    assert not await is_finished(session, Channel.WHATSAPP, "10")
    again = await count_attempt(session, Channel.TELEGRAM, "10", now)
    assert again.finished_before  # a redelivery of a finished update is not counted
    for _ in range(MAX_ATTEMPTS):
        attempt = await count_attempt(session, Channel.WHATSAPP, "10", now)
    assert attempt.given_up
    await session.commit()
    counts = await purge(session, utcnow() + 8 * DAY, HOOKS)
    assert counts["processed_updates"] == 2
    assert list(await session.scalars(select(ProcessedUpdate))) == []


async def test_purge_drops_expired_media_codes_and_unregistered_numbers(
    session: AsyncSession,
) -> None:
    registration = await register(
        session, Newcomer(Channel.WHATSAPP, "77010000001", "Дана", "kk"), consent_for("kk")
    )
    now = utcnow()
    for address in ("77010000001", "77010000002"):  # registered, and a number that never did
        await touch_inbound(session, address, now)
    await store_media(session, "77010000002", "a.json", "application/json", b"{}", now=now, ttl=DAY)
    await session.commit()
    await offer_link(session, registration.actor.person_id, Channel.WHATSAPP, now)
    counts = await purge(session, now + 3 * DAY, HOOKS)
    assert (counts["media_files"], counts["link_codes"], counts["whatsapp_chats"]) == (1, 1, 1)
    assert list(await session.scalars(select(WhatsAppChat.address))) == ["77010000001"]


async def outbox_row(session: AsyncSession, external_id: str = "1") -> OutboxMessage:
    registration = await register(session, newcomer(external_id), consent_for("kk"))
    await enqueue(
        session,
        identity_id=registration.actor.identity_id,
        kind="k",
        payload={"text": "hi"},
        dedup_key=f"k{external_id}",
        not_before=utcnow() + DAY,
    )
    await session.commit()
    row = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"k{external_id}")
    )
    assert row is not None
    return row


async def test_status_reports_only_move_forward(session: AsyncSession) -> None:
    """Reports come in any order: a late "sent" or "failed" cannot undo a delivery."""
    row = await outbox_row(session)
    await mark_sent_many(session, [row.id], {row.id: "SMorder"})
    await session.commit()
    now = utcnow()
    steps = [
        (DeliveryStatus.DELIVERED, "delivered"),
        (DeliveryStatus.SENT, "delivered"),
        (DeliveryStatus.FAILED, "delivered"),
        (DeliveryStatus.READ, "read"),
        (DeliveryStatus.DELIVERED, "read"),
    ]
    for reported, expected in steps:
        await record_status(session, "SMorder", reported, None, now)
        await session.refresh(row)
        assert row.delivery_status == expected, reported


async def test_a_status_callback_before_the_sid_is_stored_is_applied_later(
    session: AsyncSession,
) -> None:
    row = await outbox_row(session)
    delivered, sent = DeliveryStatus.DELIVERED, DeliveryStatus.SENT
    assert await record_status(session, "SMearly", delivered, None, utcnow()) is None
    assert await record_status(session, "SMearly", sent, None, utcnow()) is None  # older news
    await mark_sent_many(session, [row.id], {row.id: "SMearly"})
    assert await apply_early_statuses(session, ["SMearly"]) == 1
    await session.commit()
    await session.refresh(row)
    assert row.delivery_status == "delivered"
    assert list(await session.scalars(select(EarlyStatus))) == []


async def test_putting_a_row_back_does_not_undo_a_block(session: AsyncSession) -> None:
    row = await outbox_row(session)
    later = utcnow() + 2 * DAY
    [claimed] = await claim_due(session, Channel.TELEGRAM, later, 10, timedelta(minutes=1))
    assert await mark_blocked(session, claimed, "blocked") == [row.id]
    await session.commit()
    await release(session, row.id, utcnow())
    await session.commit()
    await session.refresh(row)
    assert row.status == "blocked"


async def test_fallback_of_a_message_for_later_stays_for_later(session: AsyncSession) -> None:
    row = await outbox_row(session)
    identity = await session.get(ChannelIdentity, row.identity_id)
    assert identity is not None
    session.add(ChannelIdentity(person_id=identity.person_id, channel="whatsapp", external_id="7"))
    await session.commit()
    fallback_id = await fall_back(session, row.id)
    assert fallback_id is not None
    fallback = await session.get(OutboxMessage, fallback_id)
    assert fallback is not None and fallback.not_before == row.not_before
    assert await fall_back(session, fallback_id) is None  # never a fallback of a fallback
