"""Courses of the volunteer movement: sessions, enrolment, check-in, certificates (issue 10)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.reminders import sessions_due
from services.hooks import Hooks
from storage.models.courses import (
    Attendance,
    Certificate,
    CheckinTry,
    Course,
    CourseSession,
    Enrolment,
)
from storage.models.volunteers import Volunteer


def _mine(person_id: int) -> Any:
    return select(Volunteer.id).where(Volunteer.person_id == person_id).scalar_subquery()


async def export_courses(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """/mydata: enrolments, attendance and certificates."""
    mine = _mine(person_id)
    enrolments = await session.execute(
        select(Course.title, Enrolment.source, Enrolment.created_at)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.volunteer_id == mine)
    )
    attended = await session.execute(
        select(Course.title, CourseSession.number, Attendance.how, Attendance.marked_at)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(Attendance.volunteer_id == mine)
    )
    certificates = await session.execute(
        select(Course.title, Certificate.code, Certificate.kind, Certificate.issued_at)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.volunteer_id == mine)
    )
    return {
        "course_enrolments": [
            {"course": t, "source": s, "created_at": at} for t, s, at in enrolments.all()
        ],
        "course_attendance": [
            {"course": t, "session": n, "how": how, "at": at} for t, n, how, at in attended.all()
        ],
        "certificates": [
            {"course": t, "code": c, "kind": k, "issued_at": at}
            for t, c, k, at in certificates.all()
        ],
    }


async def forget_courses(session: AsyncSession, person_id: int) -> None:
    """/forget: they cascade from the volunteer row too; deleted here whatever the order."""
    mine = _mine(person_id)
    await session.execute(
        update(Course)
        .where(Course.id.in_(select(Enrolment.course_id).where(Enrolment.volunteer_id == mine)))
        .values(seats_taken=Course.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    for model in (Attendance, CheckinTry, Certificate, Enrolment):
        await session.execute(delete(model).where(model.volunteer_id == mine))


HOOKS = Hooks(export=export_courses, forget=forget_courses, due=[sessions_due])
