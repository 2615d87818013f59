"""Volunteer registration, the parent's consent and the coordinator's review (diagram:
docs/flows/volunteer_registration.mmd).

Registration (after choosing "volunteer" at /start or in /role, or "Edit" in /volunteer):

| state            | expects                                    | next                          |
|------------------|--------------------------------------------|-------------------------------|
| name             | "use this name", or a typed full name      | phone                         |
| phone            | "share my number" (WhatsApp: "use this     | birth_date                    |
|                  | number") or a typed +7 number              |                               |
| birth_date       | 05.03.2008, 5.3.2008 or 2008-03-05; not    | region                        |
|                  | in the future, at least the minimum age    |                               |
| region           | a region button, or "More"                 | institution                   |
| institution      | an institution, "More", or "not listed"    | squad; institution_name       |
| institution_name | the institution's name, typed              | squad (no squads: summary)    |
| squad            | a squad, "join with a code" or "no squad"  | summary; squad_code           |
| squad_code       | the squad leader's code                    | summary                       |
| summary          | "Submit" or "Start again"                  | stored: pending (the region's |
|                  |                                            | coordinators get a card), or  |
|                  |                                            | under 18 awaiting_parent      |
A wrong answer gets a sentence saying why and the step's question again (with its options);
/cancel leaves and nothing is stored.

A parent (`/start parent_CODE`):

| state  | expects                      | next                                              |
|--------|------------------------------|---------------------------------------------------|
| parent | "I consent" / "I do not"     | recorded once (the link is spent), pending; or    |
|        |                              | nothing stored                                    |

A coordinator (a card from the outbox, or /applications):

| state   | expects                               | next                                         |
|---------|---------------------------------------|----------------------------------------------|
| pick    | an application, or "More"             | its card with Approve / Reject               |
| reason  | a reason typed, or "Without a reason" | rejected, the volunteer told                 |
"""

from aiogram.fsm.state import State, StatesGroup


class VolunteerFlow(StatesGroup):
    name = State()
    phone = State()
    birth_date = State()
    region = State()
    institution = State()
    institution_name = State()
    squad = State()
    squad_code = State()
    summary = State()


class ParentFlow(StatesGroup):
    consent = State()


class ReviewFlow(StatesGroup):
    pick = State()
    reason = State()
