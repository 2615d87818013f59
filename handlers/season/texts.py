"""The plan's texts in the current locale, and its reminders in the reader's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from handlers.common.fmt import calendar_date, local_date
from services.hooks import Due
from services.season.plan import DONE, PlanStatus, RegionStatus, TaskView


def locale() -> str:
    return get_i18n().current_locale


def day(value: date) -> str:
    return calendar_date(value, locale())


def place(region: str) -> str:
    return region or _("Republic-wide")


def subject(title: str, region: str) -> str:
    return f"«{title}» — {place(region)}"


def task_line(task: TaskView) -> str:
    if task.status == DONE:
        done = local_date(task.done_at, locale()) if task.done_at else ""
        line = _("✅ {task}: done {date}").format(task=subject(task.title, task.region), date=done)
        return f"{line}\n   {task.note}" if task.note else line
    mark = "⚠️" if task.overdue else "⏳"
    return _("{mark} {task}: due {date}").format(
        mark=mark, task=subject(task.title, task.region), date=day(task.deadline)
    )


def tasks_text(season: int, tasks: Sequence[TaskView]) -> str:
    lines = [_("Season plan {season}:").format(season=season), ""]
    lines += [task_line(task) for task in tasks]
    if any(task.status != DONE for task in tasks):
        lines += ["", _("Which task is done?")]
    else:
        lines += ["", _("Every task here is done.")]
    return "\n".join(lines)


def task_button(task: TaskView) -> str:
    return f"{'⚠️' if task.overdue else '⏳'} {task.title}"


def region_button(region: RegionStatus) -> str:
    return f"{place(region.name)} ✅{region.done} ⏳{region.open} ⚠️{region.overdue}"


def status_text(status: PlanStatus) -> str:
    lines = [
        _("Season plan {season} by region: ✅ done, ⏳ open, ⚠️ overdue.").format(
            season=status.season
        )
    ]
    overdue = status.overdue_regions
    if overdue:
        names = ", ".join(place(r.name) for r in overdue)
        lines.append(_("Overdue: {regions}.").format(regions=names))
    else:
        lines.append(_("Nothing is overdue."))
    lines.append(_("Pick a region to see its tasks."))
    return "\n".join(lines)


def no_plan_text(season: int) -> str:
    return _("There is no plan for the {season} season yet.").format(season=season)


def note_question(task: TaskView) -> str:
    return _(
        "{task} (due {date})\nSend a short note on what was done (it goes into the plan), "
        "or tap “No note”."
    ).format(task=subject(task.title, task.region), date=day(task.deadline))


def render_reminder(due: Due) -> dict[str, Any]:
    """A reminder to the responsible person, in their language."""
    params = due.params
    deadline = calendar_date(date.fromisoformat(params["deadline"]), due.locale)
    what = subject(params["title"], params["region"])
    days = int(params["days"])
    if days == 1:
        text = _("Reminder: tomorrow, {date}, is the deadline for {task}.").format(
            task=what, date=deadline
        )
    else:
        text = ngettext(
            "Reminder: {date} is the deadline for {task} (in {days} day).",
            "Reminder: {date} is the deadline for {task} (in {days} days).",
            days,
        ).format(task=what, days=days, date=deadline)
    return {"text": "\n".join((text, _("When it is done, mark it in /plan.")))}


def render_overdue(due: Due) -> dict[str, Any]:
    """The escalation to an administrator, in their language."""
    params = due.params
    deadline = calendar_date(date.fromisoformat(params["deadline"]), due.locale)
    count = int(params["count"])
    if count:
        text = ngettext(
            "Overdue: «{title}» was due {date}; {count} region has not done it: {regions}.",
            "Overdue: «{title}» was due {date}; {count} regions have not done it: {regions}.",
            count,
        ).format(title=params["title"], date=deadline, count=count, regions=params["regions"])
    else:
        text = _("Overdue: «{title}» (republic-wide) was due {date} and is not done.").format(
            title=params["title"], date=deadline
        )
    return {"text": "\n".join((text, _("See /plan.")))}
