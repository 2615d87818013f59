"""/invite for administrators (diagram: docs/flows/invite.mmd).

| state | expects                        | next                                        |
|-------|--------------------------------|---------------------------------------------|
| role  | a role button                  | scope; the invite at once for an admin      |
| scope | a place button, or "More"      | the invite (a link for each channel)        |
Anything else re-asks; /cancel leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class InviteFlow(StatesGroup):
    role = State()
    scope = State()


class OpenInvitesFlow(StatesGroup):
    """/invites for administrators (diagram: docs/flows/invites.mmd).

    | state | expects                        | next                                        |
    |-------|--------------------------------|---------------------------------------------|
    | pick  | an invite button, or "More"    | that invite cancelled (its code stops       |
    |       |                                | working at once); done                      |
    Anything else re-asks with the list; /cancel leaves.
    """

    pick = State()
