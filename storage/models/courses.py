"""Mastery and mentorship courses of the volunteer movement: sessions online, enrolments,
attendance by code word, certificates checked by their code (issue 10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class Course(Base):
    """A course of `sessions_count` online sessions; `region_id` empty: republic-wide.

    kind: mastery | mentorship. status: open (self sign-up while seats last) | closed (assigned
    only) | finished. `seats_taken` counts enrolments, so that the last seat is taken by one
    conditional UPDATE. `complete_after`: sessions attended for the certificate (empty: all).
    """

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="mastery")
    title: Mapped[str] = mapped_column(String(200))  # as given
    title_kk: Mapped[str | None] = mapped_column(String(200))
    title_ru: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="SET NULL"), index=True
    )
    responsible_name: Mapped[str] = mapped_column(String(200))
    responsible_org: Mapped[str] = mapped_column(String(200))
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    conference_url: Mapped[str] = mapped_column(String(500))
    seat_limit: Mapped[int | None] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    sessions_count: Mapped[int] = mapped_column(Integer, default=5)
    complete_after: Mapped[int | None] = mapped_column(Integer)
    checkin_before_minutes: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseSession(Base):
    """One session; check-in with `code_word` from `checkin_before_minutes` before its start
    to its end. The index on `starts_at` lets the reminder query read only what is due."""

    __tablename__ = "course_session"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    code_word: Mapped[str | None] = mapped_column(String(40))


class Enrolment(Base):
    """A volunteer on a course. source: assigned (by role and region) | self."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("course_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16), default="assigned")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(Base):
    """A volunteer present at a session. how: code (checked in) | trainer (marked)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    how: Mapped[str] = mapped_column(String(16), default="code")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckinTry(Base):
    """Wrong code words a volunteer typed for a session: counted in one UPDATE, capped."""

    __tablename__ = "checkin_try"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    wrong: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(Base):
    """Issued once per volunteer, course and kind (certificate | letter); `code` is what
    /verify checks and the QR code opens."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("course_id", "volunteer_id", "kind"),
        Index("ix_certificate_volunteer_id", "volunteer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="certificate")
    locale: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
