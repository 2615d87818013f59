"""One StatesGroup per conversation (diagrams in docs/flows/)."""

from aiogram.fsm.state import State, StatesGroup


class StartFlow(StatesGroup):
    language = State()
    consent = State()
    role = State()


class ForgetFlow(StatesGroup):
    confirm = State()


class InviteFlow(StatesGroup):
    role = State()
    scope = State()
