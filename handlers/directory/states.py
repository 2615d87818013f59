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
