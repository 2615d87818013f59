"""/report: administrators pick the republic or a region, coordinators see their region; a
summary in chat, then the XLSX workbook as a document and the chart as a photo. States in
states.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import end_conversation
from handlers.common.filters import HasRole
from handlers.common.labels import stale_button
from handlers.common.mappers import chat_of
from handlers.common.steps import Ask, Asking, asking_in, only_for
from handlers.movement_reports import keyboards
from handlers.movement_reports.callbacks import (
    REPUBLIC,
    ReportActionCb,
    ReportPageCb,
    ReportScopeCb,
)
from handlers.movement_reports.states import ReportFlow
from handlers.movement_reports.texts import chart_labels, labels, named, scope_name, summary
from services.channels import Channel
from services.errors import NotAllowed
from services.movement_reports.chart import chart
from services.movement_reports.queries import Report, build_report, report_scopes
from services.movement_reports.rules import Period
from services.movement_reports.workbook import workbook
from services.people import Actor
from services.roles import Role
from storage.base import utcnow

STAFF = (Role.ADMIN, Role.COORDINATOR)


async def report_of(session: AsyncSession, actor: Actor, region: int, period: Period) -> Report:
    """NotAllowed for a region the person may not see."""
    return await build_report(
        session,
        actor.person_id,
        actor.has(Role.ADMIN),
        None if region == REPUBLIC else region,
        period,
        actor.locale,
        utcnow(),
    )


async def ask_scope(asking: Asking, page: int) -> None:
    assert asking.actor is not None
    admin = asking.actor.has(Role.ADMIN)
    found = await report_scopes(asking.session, asking.actor.person_id, admin, asking.locale)
    if not found and not admin:
        await asking.close(_("You coordinate no region, so there is no report to show."))
        return
    await asking.send(_("Which report?"), keyboards.scopes(found, page, admin))


async def ask_options(asking: Asking, region: int, period: Period, brief: bool = False) -> None:
    """The summary (or, after a file, one line) and the buttons; out of date if not allowed."""
    assert asking.actor is not None
    try:
        report = await report_of(asking.session, asking.actor, region, period)
    except NotAllowed:
        await asking.close(stale_button())
        return
    text = (
        _("More of the report on {scope}?").format(scope=scope_name(report))
        if brief
        else summary(report, asking.locale)
    )
    await asking.send(text, keyboards.options(region, period))


async def open_options(asking: Asking, region: int) -> None:
    await asking.state.set_state(ReportFlow.options)
    await asking.state.update_data(region=region, period=Period.SEASON.value)
    await ask_options(asking, region, Period.SEASON)


async def cmd_report(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """Administrators pick the scope; a coordinator of one region gets its summary at once."""
    await end_conversation(state)
    asking = asking_in(bot, message.chat.id, state, session, actor, channel)
    if not actor.has(Role.ADMIN):
        mine = await report_scopes(session, actor.person_id, False, actor.locale)
        if len(mine) == 1:
            await open_options(asking, mine[0][0])
            return
    await state.set_state(ReportFlow.scope)
    await state.update_data(page=0)
    await ask_scope(asking, 0)


async def cb_page(
    query: CallbackQuery,
    callback_data: ReportPageCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The next page of regions."""
    await query.answer()
    await state.update_data(page=callback_data.page)
    await ask_scope(
        asking_in(bot, chat_of(query), state, session, actor, channel), callback_data.page
    )


async def cb_scope(
    query: CallbackQuery,
    callback_data: ReportScopeCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """The republic or a region: its summary and the buttons."""
    await query.answer()
    await open_options(
        asking_in(bot, chat_of(query), state, session, actor, channel), callback_data.region
    )


async def cb_action(
    query: CallbackQuery,
    callback_data: ReportActionCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    channel: Channel,
) -> None:
    """XLSX: the workbook as a document; Chart: a photo; a period: the summary for it."""
    region, period = callback_data.region, Period(callback_data.period)
    if callback_data.action in (Period.SEASON.value, Period.ALL.value):
        period = Period(callback_data.action)
    try:
        report = named(await report_of(session, actor, region, period))
    except NotAllowed:
        await query.answer(stale_button(), show_alert=True)
        return
    await query.answer()
    await state.set_state(ReportFlow.options)
    await state.update_data(region=region, period=period.value)
    asking = asking_in(bot, chat_of(query), state, session, actor, channel)
    if callback_data.action == "xlsx":
        body = workbook(report, labels())
        await bot.send_document(
            asking.chat_id,
            BufferedInputFile(body, filename=f"qamqor-report-{region or 'kz'}-{period}.xlsx"),
            caption=scope_name(report),
        )
    elif callback_data.action == "chart":
        rows = report.squads if report.region_id is not None else report.regions
        await bot.send_photo(
            asking.chat_id,
            BufferedInputFile(chart(rows, chart_labels(report)), filename="report.png"),
            caption=scope_name(report),
        )
    else:
        await asking.send(summary(report, actor.locale), keyboards.options(region, period))
        return
    await ask_options(asking, region, period, brief=True)


@only_for(*STAFF)
async def step_scope(asking: Asking) -> None:
    await ask_scope(asking, int((await asking.state.get_data()).get("page", 0)))


@only_for(*STAFF)
async def step_options(asking: Asking) -> None:
    data = await asking.state.get_data()
    period = Period(data.get("period", Period.SEASON.value))
    await ask_options(asking, int(data.get("region", REPUBLIC)), period)


STEPS: dict[State, Ask] = {ReportFlow.scope: step_scope, ReportFlow.options: step_options}


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(*STAFF))
    router.callback_query.filter(HasRole(*STAFF))
    router.message.register(cmd_report, Command("report"))
    router.callback_query.register(cb_page, StateFilter(ReportFlow.scope), ReportPageCb.filter())
    router.callback_query.register(cb_scope, StateFilter(ReportFlow.scope), ReportScopeCb.filter())
    router.callback_query.register(
        cb_action, StateFilter(ReportFlow.options), ReportActionCb.filter()
    )
    return router
