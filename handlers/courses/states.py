"""States of the course flows.

/checkin (a volunteer; the code word is typed, so there are no options):

| state | shown | answers |
|---|---|---|
| (none) | `/checkin WORD` checks in at once | — |
| `CheckinFlow.code` | "type the code word the trainer gave" | any text: checked; state ends |

/courses, /certificates, /verify and the sign-up buttons under /courses keep no state: a
sign-up button carries the course id and is checked again when pressed.
"""

from aiogram.fsm.state import State, StatesGroup


class CheckinFlow(StatesGroup):
    code = State()
