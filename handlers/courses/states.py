"""States of the course flows.

/checkin (a volunteer; the code word is typed, so there are no options):

| state | shown | answers |
|---|---|---|
| (none) | `/checkin WORD` checks in at once | — |
| `CheckinFlow.code` | "type the code word the trainer gave" | any text: checked; state ends |

/course (a trainer), after "Set my own code word" under a session's roll-call:

| state | shown | answers |
|---|---|---|
| `CourseFlow.word` | "type the code word for this session" | any text: the session's word |

/newcourse (administrators, coordinators):

| state | shown | answers |
|---|---|---|
| `NewCourseFlow.title` | "its title?" | any text |
| `NewCourseFlow.kind` | mastery / mentorship | a button |
| `NewCourseFlow.region` | the regions allowed (admins: "the whole republic" too) | a button |
| `NewCourseFlow.link` | "the conference link" | an http(s) link; else asked again |
| `NewCourseFlow.sessions` | dates, in one or more messages | listed; "Create": created, ends |

/courses, /certificates, /verify, /course and their buttons keep no state: a button carries
its ids (course; session; session, volunteer and page) and the service checks them again
when it is pressed (a trainer who no longer runs the course gets "out of date").
"""

from aiogram.fsm.state import State, StatesGroup


class CheckinFlow(StatesGroup):
    code = State()


class CourseFlow(StatesGroup):
    word = State()  # data: {"session": id}


class NewCourseFlow(StatesGroup):
    title = State()
    kind = State()  # data: title
    region = State()  # data: title, kind
    link = State()  # data: title, kind, region (0: the whole republic)
    sessions = State()  # data: title, kind, region, url, dates (ISO starts noted so far)
