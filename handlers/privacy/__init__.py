"""The person's rights over their data: /mydata shows all of it, /forget deletes it."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position
from handlers.privacy import forget, mydata


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(mydata.make_router(), forget.make_router())
    return router


feature = Feature(
    name="privacy",
    router=make_router,
    position=Position.PRIVACY,
    commands=(
        MenuCommand("mydata", N_("See everything stored about me"), rank=80),
        MenuCommand("forget", N_("Delete my data"), rank=81),
    ),
    steps=forget.STEPS,
)
