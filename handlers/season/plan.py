"""/plan: coordinators see their region's tasks and mark them done with a note; administrators
see the plan's status per region, a region's tasks, and may mark any task done. States in
states.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole, typed_text
from handlers.common.fmt import local_date
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, asking_in, only_for, with_lead
from handlers.season import keyboards
from handlers.season.callbacks import NoNoteCb, PlanCreateCb, PlanPageCb, PlanRegionCb, PlanTaskCb
from handlers.season.states import PlanFlow
from handlers.season.texts import (
    no_plan_text,
    note_question,
    status_text,
    subject,
    tasks_text,
)
from services.channels import Channel
from services.errors import NotAllowed
from services.people import Actor
from services.roles import Role
from services.season.plan import (
    DONE,
    AlreadyDone,
    TaskGone,
    TaskView,
    create_season_plan,
    mark_done,
    my_tasks,
    plan_status,
    region_tasks,
    task_view,
)
from services.season.rules import local_day, season_of
from storage.base import utcnow

MINE = -1  # the `region` of a coordinator's own list


def current_season() -> int:
    return season_of(local_day(utcnow()))


async def tasks_for(
    session: AsyncSession, actor: Actor, region: int, locale: str
) -> list[TaskView]:
    if region == MINE or not actor.has(Role.ADMIN):
        return await my_tasks(session, actor.person_id, current_season(), locale, utcnow())
    return await region_tasks(session, current_season(), region, locale, utcnow())


async def ask_regions(asking: Asking, page: int) -> bool:
    """The `regions` question; False when the season has no plan yet."""
    status = await plan_status(asking.session, current_season(), asking.locale, utcnow())
    if not status.regions:
        return False
    await asking.send(status_text(status), keyboards.regions(status.regions, page))
    return True


async def ask_tasks(asking: Asking, region: int, page: int) -> None:
    """The `tasks` question: every task of the list, a button for each open one."""
    assert asking.actor is not None  # the steps are only_for these roles; /plan needs one
    found = await tasks_for(asking.session, asking.actor, region, asking.locale)
    if not found:
        await asking.close(_("You have no tasks in the season plan."))
        return
    text = tasks_text(current_season(), found)
    waiting = [task for task in found if task.status != DONE]
    if not waiting:
        await asking.close(text)
        return
    await asking.send(text, keyboards.tasks(waiting, page))


async def ask_note(asking: Asking, task: TaskView) -> None:
    await asking.send(note_question(task), keyboards.no_note(task))


async def cmd_plan(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """Administrators: the status per region; coordinators: their tasks."""
    await end_conversation(state)
    asking = asking_in(bot, message.chat.id, state, session, actor, channel)
    if actor.has(Role.ADMIN):
        await state.set_state(PlanFlow.regions)
        await state.update_data(page=0)
        if not await ask_regions(asking, 0):
            season = current_season()
            await message.answer(no_plan_text(season), reply_markup=keyboards.create(season))
        return
    await state.set_state(PlanFlow.tasks)
    await state.update_data(region=MINE, page=0)
    await ask_tasks(asking, MINE, 0)


async def cb_create(
    query: CallbackQuery,
    callback_data: PlanCreateCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The seed's items for the season (created once, however often it is pressed)."""
    if callback_data.season != current_season():
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await create_season_plan(session, callback_data.season, actor.person_id)
    await ask_regions(asking_in(bot, chat_of(query), state, session, actor, channel), 0)


async def cb_page(
    query: CallbackQuery,
    callback_data: PlanPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The next page of regions or tasks."""
    await query.answer()
    await state.update_data(page=callback_data.page)
    asking = asking_in(bot, chat_of(query), state, session, actor, channel)
    if await state.get_state() == PlanFlow.regions.state:
        if not await ask_regions(asking, callback_data.page):
            await asking.close(no_plan_text(current_season()))
        return
    region = int((await state.get_data()).get("region", MINE))
    await ask_tasks(asking, region, callback_data.page)


async def cb_region(
    query: CallbackQuery,
    callback_data: PlanRegionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """A region's tasks (administrators)."""
    await query.answer()
    await state.set_state(PlanFlow.tasks)
    await state.update_data(region=callback_data.region, page=0)
    await ask_tasks(
        asking_in(bot, chat_of(query), state, session, actor, channel), callback_data.region, 0
    )


async def cb_task(
    query: CallbackQuery,
    callback_data: PlanTaskCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """A task: its note is asked next. Another region's task is out of date."""
    try:
        task = await task_view(
            session,
            actor.person_id,
            actor.has(Role.ADMIN),
            callback_data.task,
            actor.locale,
            utcnow(),
        )
    except (NotAllowed, TaskGone):
        await query.answer(stale_button(), show_alert=True)
        return
    if task.status == DONE:
        await query.answer(_("This task is already done."), show_alert=True)
        return
    await query.answer()
    await state.set_state(PlanFlow.note)
    await state.update_data(task=task.id)
    await ask_note(asking_in(bot, chat_of(query), state, session, actor, channel), task)


async def done(
    chat_id: int,
    task_id: int,
    note: str | None,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    await end_conversation(state)
    try:
        task = await task_view(
            session, actor.person_id, actor.has(Role.ADMIN), task_id, actor.locale, utcnow()
        )
        await mark_done(session, actor.person_id, actor.has(Role.ADMIN), task_id, note)
    except (NotAllowed, TaskGone):
        await bot.send_message(chat_id, stale_button())
        return
    except AlreadyDone as already:
        when = local_date(already.done_at, actor.locale) if already.done_at else ""
        await bot.send_message(
            chat_id, _("This task was already marked done ({date}).").format(date=when)
        )
        return
    await bot.send_message(
        chat_id,
        with_lead(
            _("Done: {task} is marked done.").format(task=subject(task.title, task.region)),
            _("/plan shows the plan."),
        ),
    )


async def msg_note(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    """The note, typed."""
    task_id = (await state.get_data()).get("task")
    if task_id is None:
        await end_conversation(state)
        return
    await done(message.chat.id, int(task_id), message.text, state, session, actor, bot)


async def cb_no_note(
    query: CallbackQuery,
    callback_data: NoNoteCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    """Done without a note."""
    if callback_data.task != (await state.get_data()).get("task"):
        await query.answer(stale_button(), show_alert=True)  # an earlier task's button
        return
    await query.answer()
    await done(chat_of(query), callback_data.task, None, state, session, actor, bot)


@only_for(Role.ADMIN)
async def step_regions(asking: Asking) -> None:
    page = int((await asking.state.get_data()).get("page", 0))
    if not await ask_regions(asking, page):
        season = current_season()
        await asking.send(no_plan_text(season), keyboards.create(season))


@only_for(Role.ADMIN, Role.COORDINATOR)
async def step_tasks(asking: Asking) -> None:
    data = await asking.state.get_data()
    await ask_tasks(asking, int(data.get("region", MINE)), int(data.get("page", 0)))


@only_for(Role.ADMIN, Role.COORDINATOR)
async def step_note(asking: Asking) -> None:
    task_id = (await asking.state.get_data()).get("task")
    assert asking.actor is not None
    try:
        task = await task_view(
            asking.session,
            asking.actor.person_id,
            asking.actor.has(Role.ADMIN),
            int(task_id or 0),
            asking.locale,
            utcnow(),
        )
    except (NotAllowed, TaskGone):
        await asking.close(stale_button())
        return
    if task.status == DONE:
        await asking.close(_("This task is already done."))
        return
    await ask_note(asking, task)


STEPS: dict[State, Ask] = {
    PlanFlow.regions: step_regions,
    PlanFlow.tasks: step_tasks,
    PlanFlow.note: step_note,
}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN, Role.COORDINATOR))
    router.callback_query.filter(HasRole(Role.ADMIN, Role.COORDINATOR))
    router.message.register(cmd_plan, Command("plan"))
    admin = Router(name=f"{__name__}.admin")
    admin.callback_query.filter(HasRole(Role.ADMIN))
    admin.callback_query.register(cb_create, StateFilter(PlanFlow.regions), PlanCreateCb.filter())
    admin.callback_query.register(cb_region, StateFilter(PlanFlow.regions), PlanRegionCb.filter())
    router.include_router(admin)
    router.callback_query.register(
        cb_page, StateFilter(PlanFlow.regions, PlanFlow.tasks), PlanPageCb.filter()
    )
    router.callback_query.register(cb_task, StateFilter(PlanFlow.tasks), PlanTaskCb.filter())
    router.callback_query.register(cb_no_note, StateFilter(PlanFlow.note), NoNoteCb.filter())
    router.message.register(msg_note, StateFilter(PlanFlow.note), typed_text)
    return router
