"""/invite (admins): a one-use link that gives a teacher, duty officer, coordinator or admin
their role."""

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position
from handlers.invites.invite import STEPS, make_router
from services.invites import HOOKS
from services.roles import Role

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
    ),
    hooks=HOOKS,
    steps=STEPS,
)
