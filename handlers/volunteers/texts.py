"""What volunteers, parents and coordinators read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from services.awards.awards import LetterView
from services.awards.rules import REGIONAL
from services.volunteers.applications import Card
from services.volunteers.profile import Profile
from services.volunteers.rules import BirthDateProblem, Status


def day(value: date | None, locale: str) -> str:
    return format_date(value, "long", locale=locale) if value else "—"


def name_question(suggested: str | None) -> str:
    if suggested:
        return _("Your full name? Tap the button if it is “{name}”, or type it.").format(
            name=suggested
        )
    return _("Your full name? Type it, e.g. Айгерім Нұрланқызы Серікова.")


def bad_name() -> str:
    return _("I need your first name and surname, in letters, up to 120 characters.")


def phone_question(whatsapp: bool) -> str:
    if whatsapp:
        return _("Your phone number? Use this one, or type another, e.g. +7 701 234 56 78.")
    return _("Your phone number? Tap “Share my number” below, or type it, e.g. +7 701 234 56 78.")


def bad_phone() -> str:
    return _("That is not a Kazakhstan mobile number. Type it like +7 701 234 56 78.")


def birth_question() -> str:
    return _("Your date of birth? For example 05.03.2008.")


def bad_birth(problem: BirthDateProblem, min_age: int) -> str:
    match problem:
        case BirthDateProblem.FUTURE:
            return _("That date is in the future. Type your date of birth, e.g. 05.03.2008.")
        case BirthDateProblem.TOO_YOUNG:
            return _("Volunteers must be at least {age} years old. Come back when you are!").format(
                age=min_age
            )
        case BirthDateProblem.IMPOSSIBLE:
            return _("There is no such date. Type your date of birth, e.g. 05.03.2008.")
        case _:
            return _("I could not read the date. Type it like 05.03.2008.")


def region_question() -> str:
    return _("Your region?")


def institution_question(region: str) -> str:
    return _("Your university or college ({region})?").format(region=region)


def which_region() -> str:
    return _("Which of these?")


def unknown_region(typed: str) -> str:
    return _("I don't know a region called “{typed}”. Choose yours from the list.").format(
        typed=typed
    )


def institution_name_question() -> str:
    return _("Type the full name of your university or college.")


def squad_question() -> str:
    return _("Your pedagogical squad?")


def squad_code_question() -> str:
    return _("Type the code your squad leader gave you.")


def bad_code() -> str:
    return _("No squad of your region has this code. Check it with your squad leader.")


def status_label(status: Status) -> str:
    match status:
        case Status.DRAFT:
            return _("not submitted")
        case Status.AWAITING_PARENT:
            return _("waiting for a parent's consent")
        case Status.PENDING:
            return _("waiting for the coordinator")
        case Status.APPROVED:
            return _("approved")
        case Status.REJECTED:
            return _("rejected")


def summary(
    name: str,
    phone: str,
    born: date,
    region: str,
    institution: str | None,
    squad: str | None,
    locale: str,
) -> str:
    return _(
        "Check your application:\n"
        "Name: {name}\nPhone: {phone}\nDate of birth: {born}\nRegion: {region}\n"
        "Institution: {institution}\nSquad: {squad}"
    ).format(
        name=name,
        phone=phone,
        born=day(born, locale),
        region=region,
        institution=institution or "—",
        squad=squad or _("none yet"),
    )


def parent_request_text(links: list[str], code: str) -> str:
    return _(
        "You are under 18, so a parent must agree. Forward this message to your parent:\n\n"
        "Please open this link in Qamqor and agree to your child taking part in the volunteer "
        "movement:\n{links}\nor send the bot: /start {code}"
    ).format(links="\n".join(links), code=code)


def submitted_text() -> str:
    return _("Sent! The coordinator of your region will review it. I will write to you.")


def parent_consent_text(child: str) -> str:
    return _(
        "{child} is applying to the volunteer camp-leader movement and is under 18.\n\n"
        "If you agree, Qamqor stores their name, phone, date of birth and place of study for "
        "the movement, and records your consent with your name and this account. You can see "
        "and delete it with /mydata and /forget.\n\nDo you consent?"
    ).format(child=child)


def card_text(card: Card) -> str:
    institution = card.institution or "—"
    if card.institution and not card.institution_confirmed:
        institution = _("{name} (new: approving confirms it)").format(name=card.institution)
    text = _(
        "Volunteer application\n"
        "Name: {name}\nPhone: {phone}\nDate of birth: {born}\nRegion: {region}\n"
        "Institution: {institution}\nSquad: {squad}"
    ).format(
        name=card.full_name,
        phone=card.phone or "—",
        born=day(card.birth_date, card.locale),
        region=card.region,
        institution=institution,
        squad=card.squad or "—",
    )
    if card.parent_consented:
        text += "\n" + _("A parent has consented.")
    return text


def result_text(approved: bool, reason: str | None) -> str:
    if approved:
        return _("Your volunteer application is approved! /volunteer shows your profile.")
    text = _("Your volunteer application was not approved.")
    if reason:
        text += "\n" + _("Reason: {reason}").format(reason=reason)
    return text + "\n" + _("You can fix it and send it again with /volunteer.")


LINK_LABELS = {
    "work_plan": "📄",
    "vk": "VK",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "youtube": "YouTube",
}


def letters_text(letters: Sequence[LetterView]) -> str:
    """The letters of gratitude in the profile; /certificates sends them."""
    lines = [_("Your letters of gratitude:")]
    for letter in letters:
        where = letter.region if letter.level == REGIONAL else _("republican")
        lines.append(
            _("Season {season}, {where}, code {code}").format(
                season=letter.season, where=where, code=letter.code
            )
        )
    lines.append(_("/certificates sends them as PDF files."))
    return "\n".join(lines)


def profile_text(profile: Profile, locale: str) -> str:
    text = _(
        "Status: {status}\n"
        "Name: {name}\nPhone: {phone}\nDate of birth: {born}\nRegion: {region}\n"
        "Institution: {institution}\nSquad: {squad}"
    ).format(
        status=status_label(profile.status),
        name=profile.full_name,
        phone=profile.phone or "—",
        born=day(profile.birth_date, locale),
        region=profile.region or "—",
        institution=profile.institution or "—",
        squad=profile.squad or _("none yet"),
    )
    if profile.status is Status.REJECTED and profile.reject_reason:
        text += "\n" + _("Reason: {reason}").format(reason=profile.reject_reason)
    if profile.status is Status.APPROVED and profile.links:
        lines = []
        for key, url in profile.links.items():
            label = _("Work plan") if key == "work_plan" else LINK_LABELS[key]
            lines.append(f"{label}: {url}")
        text += "\n\n" + _("Your region's centre:") + "\n" + "\n".join(lines)
    return text
