"""/report: figures of the volunteer movement (diagram: docs/flows/report.mmd).

| state   | expects                                          | next                               |
|---------|--------------------------------------------------|------------------------------------|
| scope   | (admin) "Republic" or a region, or "More";       | options                            |
|         | (coordinator of several regions) one of theirs   |                                    |
| options | "XLSX", "Chart", or the other period             | XLSX: a document, Chart: a photo,  |
|         | ("All time" / "This season")                     | then options again; the period:    |
|         |                                                  | the summary again for that period  |
A coordinator of one region starts at `options` with their region's summary. A button of a
region the person may not see (another region's, forged) is out of date and shows nothing.
Anything else re-asks the step's question with its buttons; /cancel leaves.
"""

from aiogram.fsm.state import State, StatesGroup


class ReportFlow(StatesGroup):
    scope = State()
    options = State()
