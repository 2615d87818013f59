"""Texts of the course flows, in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.common.fmt import local_datetime
from services.awards.awards import LetterView
from services.awards.rules import REPUBLICAN
from services.courses.attendance import CheckIn
from services.courses.certificates import CertificateView
from services.courses.courses import MyCourse


def course_problem_text(reason: str) -> str:
    texts = {
        "not_volunteer": _("Courses are for approved volunteers."),
        "no_course": _("This course is no longer available."),
        "closed": _("Sign-up to this course is closed."),
        "full": _("Sorry, the last seat has just been taken."),
        "already": _("You are already on this course."),
        "not_enrolled": _("This volunteer is not on the course."),
        "bad_url": _("The conference link is not a web address."),
        "no_sessions": _("A course needs at least one session."),
    }
    return texts.get(reason, _("This course is no longer available."))


def my_course_text(course: MyCourse, locale: str) -> str:
    lines = [f"• {course.title}"]
    if course.next_starts_at is not None and course.next_number is not None:
        lines.append(
            _("Next: session {number} of {total}, {when}").format(
                number=course.next_number,
                total=course.sessions_count,
                when=local_datetime(course.next_starts_at, locale),
            )
        )
    else:
        lines.append(_("All sessions are over."))
    lines.append(_("Link: {url}").format(url=course.url))
    lines.append(
        _("Attended: {attended} of {total}").format(
            attended=course.attended, total=course.sessions_count
        )
    )
    return "\n".join(lines)


def checkin_text(result: CheckIn) -> str:
    if result.outcome == "marked":
        text = _("You are marked present at session {number} of «{title}».").format(
            number=result.session_number, title=result.title
        )
        if result.certificate:
            text += "\n" + _("You have completed the course! Your certificate: /certificates")
        return text
    if result.outcome == "already":
        return _("You are already marked present at session {number} of «{title}».").format(
            number=result.session_number, title=result.title
        )
    if result.outcome == "wrong_code":
        return _("That is not the code word of this session. Tries left: {left}.").format(
            left=result.tries_left
        )
    if result.outcome == "too_many":
        return _("Too many wrong code words for this session. Ask the trainer to mark you.")
    if result.outcome == "not_enrolled":
        return _("You are not on any course. /courses shows the courses open to you.")
    return _(
        "No session of yours is open for check-in now: it opens 10 minutes before the start "
        "and closes at the end."
    )


def verified_text(view: CertificateView) -> str:
    return _(
        "Certificate {code} is genuine.\n{name} completed «{title}» ({organisation}), {hours} h."
    ).format(
        code=view.code,
        name=view.full_name,
        title=view.title,
        organisation=view.organisation,
        hours=view.hours,
    )


def verified_letter_text(view: LetterView) -> str:
    if view.level == REPUBLICAN:
        level = _("a republican letter of gratitude")
    else:
        level = _("a regional letter of gratitude ({region})").format(region=view.region)
    return _("Letter {code} is genuine.\n{name} was awarded {level}, season {season}.").format(
        code=view.code, name=view.full_name, level=level, season=view.season
    )


def unknown_certificate_text() -> str:
    return _("No certificate has this code. Check the code, or it may be forged.")
