"""Certificates: what goes on one, the volunteer's list, and /verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.courses.courses import course_title
from services.courses.rules import normal_certificate_code
from services.uow import reading
from storage.models.courses import Certificate, Course, CourseSession
from storage.models.people import Person
from storage.models.volunteers import Volunteer

ALMATY = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True)
class CertificateView:
    """Everything printed on a certificate, in the reader's language where it has one."""

    code: str
    kind: str
    full_name: str
    title: str
    course_kind: str
    organisation: str
    responsible: str
    first_day: date
    last_day: date
    hours: int
    issued_at: datetime
    locale: str


async def _views(
    session: AsyncSession, locale: str | None, *where: object
) -> list[CertificateView]:
    rows = (
        await session.execute(
            select(Certificate, Course, Person.full_name, Person.locale)
            .join(Course, Course.id == Certificate.course_id)
            .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
            .join(Person, Person.id == Volunteer.person_id)
            .where(*where)  # type: ignore[arg-type]
            .order_by(Certificate.issued_at, Certificate.id)
        )
    ).all()
    found = []
    for certificate, course, full_name, person_locale in rows:
        spans = (
            await session.execute(
                select(CourseSession.starts_at, CourseSession.ends_at).where(
                    CourseSession.course_id == course.id
                )
            )
        ).all()
        first = min(starts for starts, _ in spans)
        last = max(ends for _, ends in spans)
        seconds = sum((ends - starts).total_seconds() for starts, ends in spans)
        reader = locale or person_locale
        found.append(
            CertificateView(
                certificate.code,
                certificate.kind,
                full_name,
                course_title(course, reader),
                course.kind,
                course.responsible_org,
                course.responsible_name,
                first.astimezone(ALMATY).date(),
                last.astimezone(ALMATY).date(),
                round(seconds / 3600),
                certificate.issued_at,
                reader,
            )
        )
    return found


async def my_certificates(session: AsyncSession, person_id: int) -> list[CertificateView]:
    """The person's certificates, in their own language."""
    async with reading(session):
        return await _views(session, None, Volunteer.person_id == person_id)


async def verify(session: AsyncSession, code: str, locale: str) -> CertificateView | None:
    """The certificate with this code, or None: an unknown or forged code."""
    normal = normal_certificate_code(code)
    if not normal:
        return None
    async with reading(session):
        found = await _views(session, locale, Certificate.code == normal)
    return found[0] if found else None
