"""One Router per flow, assembled in order: /cancel first, catch-alls last."""

from aiogram import Router

from handlers import (
    cancel,
    fallback,
    forget,
    help,
    invites,
    language,
    linking,
    mydata,
    refusals,
    start,
)


def get_routers() -> list[Router]:
    return [
        cancel.router,
        start.router,
        language.router,
        linking.router,
        help.router,
        mydata.router,
        forget.router,
        invites.router,
        refusals.router,
        fallback.router,
    ]
