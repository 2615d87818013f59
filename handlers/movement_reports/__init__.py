"""/report: the volunteer movement's figures per region and squad, as a summary, an XLSX
workbook and a PNG chart (administrators: any region or the republic; coordinators: theirs)."""

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from handlers.movement_reports import report
from services.movement_reports import HOOKS
from services.roles import Role

feature = Feature(
    name="movement_reports",
    router=report.make_router,
    commands=(
        MenuCommand(
            "report",
            N_("Report: volunteers, courses, schools"),
            frozenset({Role.ADMIN, Role.COORDINATOR}),
            rank=35,
        ),
    ),
    hooks=HOOKS,
    steps=report.STEPS,
)
