"""Roles after registration: /role adds a parent or volunteer role; /staff (administrators)
revokes a staff role."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from handlers.roles import choose, staff
from services.roles import Role


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(choose.make_router(), staff.make_router())
    return router


feature = Feature(
    name="roles",
    router=make_router,
    commands=(
        MenuCommand("role", N_("My roles: add parent or volunteer"), rank=5),
        MenuCommand("staff", N_("Staff: revoke a role"), frozenset({Role.ADMIN}), rank=11),
    ),
    steps={**choose.STEPS, **staff.STEPS},
)
