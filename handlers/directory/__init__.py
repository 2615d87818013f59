"""The movement's directory: /directory (the centre's links) and /import of institutions,
squads, district schools and squads' attachments to schools from an XLSX or CSV file
(coordinators: their region; administrators: any)."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.directory import centre, importing
from handlers.features import Feature
from services.roles import Role


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(importing.make_router(), centre.make_router())
    return router


feature = Feature(
    name="directory",
    router=make_router,
    commands=(
        MenuCommand(
            "import",
            N_("Import institutions, squads and schools from a file"),
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            rank=22,
        ),
        MenuCommand(
            "directory",
            N_("The region's centre: work plan and social pages"),
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            rank=23,
        ),
    ),
    steps={**importing.STEPS, **centre.STEPS},
)
