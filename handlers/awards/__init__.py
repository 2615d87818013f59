"""Recognition: /awards, letters of gratitude picked from a suggested ranking (administrators:
republican, coordinators: their region's). Letters are sent by /certificates and checked by
/verify (the courses feature)."""

from aiogram import Router

from handlers.awards import flow
from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from services.awards import HOOKS
from services.roles import Role


def make_router() -> Router:
    return flow.make_router()


feature = Feature(
    name="awards",
    router=make_router,
    commands=(
        MenuCommand(
            "awards",
            N_("Letters of gratitude: ranking and awarding"),
            frozenset({Role.ADMIN, Role.COORDINATOR}),
            rank=35,
        ),
    ),
    hooks=HOOKS,
    steps=flow.STEPS,
)
