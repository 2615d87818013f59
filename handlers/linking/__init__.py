"""/link: one person on Telegram and WhatsApp."""

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position
from handlers.linking.link import make_router
from services.linking import HOOKS

feature = Feature(
    name="linking",
    router=make_router,
    position=Position.LINKING,
    commands=(MenuCommand("link", N_("Use Qamqor on Telegram and WhatsApp"), rank=70),),
    hooks=HOOKS,
)
