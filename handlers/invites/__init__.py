"""/invite (admins): a one-use link that gives a teacher, duty officer, coordinator or admin
their role; /invites lists the open ones and cancels them."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position
from handlers.invites import invite, open_invites
from services.invites import HOOKS
from services.roles import Role


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(invite.make_router(), open_invites.make_router())
    return router


feature = Feature(
    name="invites",
    router=make_router,
    position=Position.INVITES,
    commands=(
        MenuCommand(
            "invite",
            N_("Invite a teacher, staff member or coordinator"),
            frozenset({Role.ADMIN}),
            rank=10,
        ),
        MenuCommand(
            "invites", N_("Open invites: see or cancel them"), frozenset({Role.ADMIN}), rank=12
        ),
    ),
    hooks=HOOKS,
    steps={**invite.STEPS, **open_invites.STEPS},
)
