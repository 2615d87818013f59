"""/plan: the season plan (diagram: docs/flows/plan.mmd).

| state   | expects                                   | next                                       |
|---------|-------------------------------------------|--------------------------------------------|
| regions | (admin) a region, "Republic-wide", "More",| tasks (that region's)                      |
|         | or "Create the plan" when there is none   | regions (the new plan's status)            |
| tasks   | an open task, or "More"                   | note; a task done meanwhile: said, stays   |
| note    | text (the note), or "No note"             | done; done already by someone: said; ends  |
Coordinators start at `tasks` with their region's tasks; another region's task (a forged
button) is out of date. Anything else re-asks the step's question with its buttons; /cancel
leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class PlanFlow(StatesGroup):
    regions = State()
    tasks = State()
    note = State()
