"""The season plan of the volunteer movement: items, tasks per region, reminders, escalation."""

from services.hooks import Hooks
from services.season.records import export_tasks, forget_tasks
from services.season.reminders import escalations_due, reminders_due

HOOKS = Hooks(export=export_tasks, forget=forget_tasks, due=[reminders_due, escalations_due])
