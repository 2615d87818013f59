"""The report as a PNG chart (matplotlib, Agg): approved volunteers and schools covered per
region (or per squad of a region), horizontal bars, names in the reader's language. DejaVu
Sans, shipped with matplotlib, renders Kazakh letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from services.movement_reports.queries import Row

FONT = "DejaVu Sans"


@dataclass(frozen=True)
class ChartLabels:
    title: str
    approved: str
    covered: str


def chart(rows: Sequence[Row], labels: ChartLabels) -> bytes:
    """A figure of its own (no pyplot state shared between updates)."""
    shown = list(reversed(rows))  # barh draws bottom-up: the first row goes on top
    height = max(3.0, 0.45 * len(shown) + 1.5)
    figure = Figure(figsize=(9, height), dpi=100)
    axes = figure.subplots()
    places = list(range(len(shown)))
    bar = 0.4
    axes.barh(
        [p + bar / 2 for p in places], [r.approved for r in shown], bar, label=labels.approved
    )
    axes.barh([p - bar / 2 for p in places], [r.covered for r in shown], bar, label=labels.covered)
    axes.set_yticks(places, [r.name for r in shown], fontfamily=FONT)
    axes.set_title(labels.title, fontfamily=FONT)
    axes.legend(  # under the axes, clear of the longest bar
        prop={"family": FONT}, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    out = BytesIO()
    # the canvas grows to fit long names, where tight_layout would only warn
    figure.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()
