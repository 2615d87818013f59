"""Courses of the volunteer movement: /courses, /checkin, /certificates, /verify; reminders of
sessions the day before and 15 minutes before."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.courses import certificates, create, trainer, volunteer
from handlers.courses.reminders import RENDERERS
from handlers.features import Feature
from services.courses import HOOKS
from services.roles import Role

VOLUNTEERS = frozenset({Role.VOLUNTEER})


def make_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        certificates.make_router(),
        create.make_router(),
        trainer.make_router(),
        volunteer.make_router(),
    )
    return router


feature = Feature(
    name="courses",
    router=make_router,
    commands=(
        MenuCommand("courses", N_("My courses and sign-up"), VOLUNTEERS, rank=30),
        MenuCommand("checkin", N_("Check in at a course session"), VOLUNTEERS, rank=31),
        MenuCommand("certificates", N_("My certificates"), VOLUNTEERS, rank=32),
        MenuCommand(
            "course",
            N_("Courses I run: code word and roll-call"),
            frozenset({Role.ADMIN, Role.COORDINATOR}),
            rank=33,
        ),
        MenuCommand(
            "newcourse",
            N_("New course with its sessions"),
            frozenset({Role.ADMIN, Role.COORDINATOR}),
            rank=34,
        ),
        MenuCommand("verify", N_("Check a certificate by its code"), rank=80),
    ),
    hooks=HOOKS,
    renderers=RENDERERS,
    steps={**volunteer.STEPS, **trainer.STEPS, **create.STEPS},
)
