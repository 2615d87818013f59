"""Registered last: refusals of another role's command, whatever no flow understood, stale
buttons, and unexpected failures."""

from aiogram import Router

from handlers.fallback import errors, refusals, unknown
from handlers.features import Feature, Position


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(refusals.make_router(), unknown.make_router(), errors.make_router())
    return router


feature = Feature(name="fallback", router=make_router, position=Position.LAST)
