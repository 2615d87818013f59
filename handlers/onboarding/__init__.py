"""Onboarding: /start (language, consent, who you are), /language and /help."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position
from handlers.onboarding import help, language, start


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(start.make_router(), language.make_router(), help.make_router())
    return router


feature = Feature(
    name="onboarding",
    router=make_router,
    position=Position.ONBOARDING,
    steps={**start.STEPS, **language.STEPS},
    commands=(
        MenuCommand("start", N_("Start or restart"), rank=0),
        MenuCommand("help", N_("What I can do for you"), rank=1),
        MenuCommand("language", N_("Change language"), rank=60),
    ),
)
