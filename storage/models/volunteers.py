"""The volunteer (vozhaty) movement: a leader-movement centre per region, institutions and their
pedagogical squads, district schools the squads are attached to, and each volunteer's
application (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class Centre(Base):
    """One per region; named after it ("the Karaganda region's centre"), so it has no name."""

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), unique=True)
    work_plan_url: Mapped[str | None] = mapped_column(String(500))
    vk_url: Mapped[str | None] = mapped_column(String(500))
    instagram_url: Mapped[str | None] = mapped_column(String(500))
    facebook_url: Mapped[str | None] = mapped_column(String(500))
    youtube_url: Mapped[str | None] = mapped_column(String(500))


class Institution(Base):
    """A university or college of a region. One typed in by a volunteer waits for the
    coordinator's confirmation before others can pick it."""

    __tablename__ = "institution"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="college")  # university | college
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Squad(Base):
    """A pedagogical squad of an institution, led by a squad leader; volunteers join it by
    picking it or with the leader's code."""

    __tablename__ = "squad"
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class School(Base):
    """A district secondary school; the centre attaches squads to it (the aim: every child)."""

    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("region_id", "district", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    district: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))


class SquadSchool(Base):
    """A squad attached to a school from one date to another (open-ended while `ends_on` is
    empty); a squad may serve several schools and a school have several squads."""

    __tablename__ = "squad_school"
    __table_args__ = (UniqueConstraint("squad_id", "school_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class Volunteer(Base):
    """A person's volunteer application and, once approved, profile. One per person.

    status: draft (being filled in) → awaiting_parent (under 18: a parent's consent first) →
    pending (the region's coordinator decides) → approved | rejected. A change of region goes
    back to pending.
    """

    __tablename__ = "volunteer"
    __table_args__ = (Index("ix_volunteer_region_status", "region_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL")
    )
    squad_id: Mapped[int | None] = mapped_column(
        ForeignKey("squad.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Under 18: the code a parent opens (/start parent_CODE) to consent; used once.
    parent_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    parent_consent_at: Mapped[datetime | None]
    parent_consent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
