"""/start for a newcomer (diagram: docs/flows/start.mmd).

| state    | expects                       | next                                         |
|----------|-------------------------------|----------------------------------------------|
| language | a language button             | consent                                      |
| consent  | agree / do not agree          | role; registered at once with an invite;     |
|          |                               | nothing stored when declined                 |
| role     | volunteer/parent/teacher/staff| registered (teacher and staff: told to ask   |
|          |                               | for an invite)                               |
Anything else in a state re-asks it with its buttons; /cancel leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class StartFlow(StatesGroup):
    language = State()
    consent = State()
    role = State()
