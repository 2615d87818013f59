"""Texts of the award flow, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _

from handlers.common.keyboards import MAX_OPTIONS
from services.awards.awards import LetterView, Scope
from services.awards.ranking import Ranked
from services.awards.rules import REPUBLICAN


def scope_text(scope: Scope, season: int) -> str:
    if scope.level == REPUBLICAN:
        return _("Republican letters of gratitude, season {season}").format(season=season)
    return _("Regional letters of gratitude: {region}, season {season}").format(
        region=scope.region, season=season
    )


def parts(ranked: Ranked) -> str:
    return _("{total} points: sessions {sessions}, courses {courses}, squad {squad}").format(
        total=ranked.score.total,
        sessions=ranked.score.sessions,
        courses=ranked.score.courses,
        squad=ranked.score.squad,
    )


def ranking_text(scope: Scope, season: int, found: Sequence[Ranked], page: int) -> str:
    size = MAX_OPTIONS - 1
    lines = [scope_text(scope, season), _("Suggested from recorded activity:")]
    for number, ranked in enumerate(found[page * size : (page + 1) * size], page * size + 1):
        mark = "✅ " if ranked.awarded else ""
        lines.append(f"{number}. {mark}{ranked.full_name} — {parts(ranked)}")
    lines.append(_("Pick a volunteer to award a letter (✅: awarded already)."))
    return "\n".join(lines)


def ranked_button(ranked: Ranked) -> str:
    mark = "✅ " if ranked.awarded else ""
    return f"{mark}{ranked.full_name} ({ranked.score.total})"


def reason_question(name: str) -> str:
    return _(
        "What is the letter to {name} for? Type the reason as it should read on the letter, "
        "or choose «No reason»."
    ).format(name=name)


def confirm_question(name: str, reason: str | None, scope: Scope, season: int) -> str:
    lines = [
        _("Award a letter of gratitude to {name}?").format(name=name),
        scope_text(scope, season),
    ]
    if reason:
        lines.append(_("Reason: {reason}").format(reason=reason))
    lines.append(_("/cancel leaves without awarding."))
    return "\n".join(lines)


def awarded_text(name: str, code: str) -> str:
    return _("Done: {name} is awarded the letter (code {code}) and is told in the chat.").format(
        name=name, code=code
    )


def already_text() -> str:
    return _("This volunteer already has this season's letter.")


def nobody_text() -> str:
    return _("There are no approved volunteers to rank yet.")


def awardee_notice(letter: LetterView) -> str:
    """For the awardee, rendered in their language by the caller."""
    return _(
        "You are awarded a letter of gratitude for the {season} season! "
        "/certificates sends it to you."
    ).format(season=letter.season)
