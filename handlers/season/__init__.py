"""/plan: the season plan of the volunteer movement (coordinators and administrators), and its
reminders and escalations."""

from aiogram import Router

from handlers.common.menu import N_, MenuCommand
from handlers.features import Feature
from handlers.season import plan
from handlers.season.texts import render_overdue, render_reminder
from services.roles import Role
from services.season import HOOKS
from services.season.reminders import OVERDUE, REMINDER


def make_router() -> Router:
    return plan.make_router()


feature = Feature(
    name="season",
    router=make_router,
    commands=(
        MenuCommand(
            "plan",
            N_("Season plan: deadlines and what is done"),
            frozenset({Role.ADMIN, Role.COORDINATOR}),
            rank=30,
        ),
    ),
    hooks=HOOKS,
    renderers={REMINDER: render_reminder, OVERDUE: render_overdue},
    steps=plan.STEPS,
)
