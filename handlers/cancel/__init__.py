"""/cancel: registered before every flow, so it leaves any of them."""

from handlers.cancel.cancel import make_router
from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature, Position

feature = Feature(
    name="cancel",
    router=make_router,
    position=Position.CANCEL,
    commands=(MenuCommand("cancel", N_("Cancel the current step"), rank=99),),
)
