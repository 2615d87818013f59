"""States of /import (coordinators: their region; administrators: any region).

| state | shown | answers |
|---|---|---|
| (none) | `/import`: the template (XLSX) and how to fill it in | — |
| `ImportFlow.file` | "send the filled-in file" | a document (XLSX or CSV): see below |

A document is checked whole: stored and the state ends, or the problems are listed by row and
column and the file is asked for again; anything else asks for it again.

On WhatsApp, where Qamqor cannot receive files yet, /import sends the template and says to send
the file on Telegram; no state is kept.
"""

from aiogram.fsm.state import State, StatesGroup


class ImportFlow(StatesGroup):
    file = State()


class DirectoryFlow(StatesGroup):
    """/directory: the region's centre links.

    | state | shown | answers |
    |---|---|---|
    | `DirectoryFlow.region` | the regions (administrators; paged) | a region: its links |
    | `DirectoryFlow.field` | the centre's links; which to set | a link's button |
    | `DirectoryFlow.url` | "send the link, or «-»" | an http(s) link or "-": saved, links again |

    A coordinator of one region starts at `field`. Another region's button, or a region no
    longer the person's, is out of date and changes nothing.
    """

    region = State()
    field = State()  # data: region
    url = State()  # data: region, field
