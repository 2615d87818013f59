"""/role for everyone and /staff for administrators (diagrams: docs/flows/role.mmd and
docs/flows/staff.mmd).

/role (also offered by /start to someone with no role, and to a teacher without an invite):

| state  | expects                        | next                                        |
|--------|--------------------------------|---------------------------------------------|
| choose | a self-service role (parent,   | the role added, the "/" menu renewed; done  |
|        | volunteer)                     |                                             |

/staff:

| state   | expects                          | next                                       |
|---------|----------------------------------|--------------------------------------------|
| person  | a person button, or "More"       | role (the person's staff roles)            |
| role    | one of their staff roles         | confirm                                    |
| confirm | revoke / keep                    | revoked and the person told (outbox), or   |
|         |                                  | nothing; the last admin's role: refused    |
Anything else re-asks the step's question with its buttons; /cancel leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class RoleFlow(StatesGroup):
    choose = State()


class StaffFlow(StatesGroup):
    person = State()
    role = State()
    confirm = State()
