"""The volunteer movement: registration by chat (/volunteer), a parent's consent for a minor
(/start parent_CODE), and the region coordinator's review (/applications)."""

from aiogram import Router

import services.volunteers
from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from handlers.volunteers import parent, register, review, status
from services.roles import Role


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        status.make_router(),
        review.make_router(),
        parent.make_router(),
        register.make_router(),
    )
    return router


feature = Feature(
    name="volunteers",
    router=make_router,
    commands=(
        MenuCommand(
            "volunteer",
            N_("My volunteer application or profile"),
            frozenset({Role.VOLUNTEER}),
            rank=20,
        ),
        MenuCommand(
            "applications",
            N_("Volunteer applications to decide"),
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            rank=21,
        ),
    ),
    hooks=services.volunteers.HOOKS,
    steps={**register.STEPS, **parent.STEPS, **review.STEPS},
)
