"""/awards: letters of gratitude (diagram: docs/flows/awards.mmd).

| state   | expects                               | next                                  |
|---------|---------------------------------------|---------------------------------------|
| ranking | a volunteer of the ranking, or "More" | reason; awarded already: said, stays  |
| reason  | text (the reason), or "No reason"     | confirm                               |
| confirm | "Award the letter"                    | awarded, awardee told (outbox); ends; |
|         |                                       | awarded meanwhile: said; ends         |
Administrators award republican letters from the whole republic's ranking, a coordinator their
region's; a volunteer of another region (a forged button) is out of date. Anything else
re-asks the step's question with its buttons; /cancel leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class AwardFlow(StatesGroup):
    ranking = State()
    reason = State()
    confirm = State()
