"""Planned rows: a step's deadline and reminders, the member check's, the yearly reminder."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.context import Services
from core.calendar import SchoolCalendar
from core.effects import Buttons, Text
from core.model import Round, Team
from core.protocol import BRAINSTORMING, CLOSING_STAGES, ONBOARDING, Stage, Step
from core.schedule import Window, fit_reminders, reminder_times
from storage.store import Tx

from .calendar import school_calendar

# The yearly invitation goes out in the morning (the window opens at 08:00).
YEARLY_TIME = time(9, 0)

RUNNING_STEPS = frozenset({Step.BRAINSTORM, Step.PRIORITIES, Step.DEEP, Step.CLOSING})


def still_working(step: Step, stage: Stage, finished: bool, picked: bool) -> bool:
    """True when a member has not finished the running step (the ones a reminder is for)."""
    if step is Step.BRAINSTORM:
        return not finished and (
            stage in BRAINSTORMING or stage in ONBOARDING or stage is Stage.REVIEW
        )
    if step is Step.PRIORITIES:
        return not picked
    if step is Step.DEEP:
        return stage in (Stage.DEEP, Stage.DEEP_ANSWER)
    if step is Step.CLOSING:
        return stage in CLOSING_STAGES and stage is not Stage.CLOSING_DONE
    return False


# -- planning ---------------------------------------------------------------------------------


async def plan_step(
    tx: Tx, team: Team, round_: Round, deadline: datetime, window: Window, zone: ZoneInfo
) -> None:
    """A deadline for the running step, with at most two reminders before it (on school days,
    in the sending window)."""
    await tx.cancel_planned(round_.id, round_.step)
    times = reminder_times(tx.now, deadline)
    for moment in fit_reminders(times, deadline, window, zone, opened=tx.now):
        await tx.plan(team.id, round_.id, "step_nudge", round_.step, moment)
    await tx.plan(team.id, round_.id, "step_deadline", round_.step, deadline)


async def plan_check(
    tx: Tx,
    team: Team,
    check_id: int,
    deadline: datetime,
    window: Window,
    zone: ZoneInfo,
    *,
    start: datetime | None = None,
) -> bool:
    """The member check's deadline, with at most two reminders before it; sent at start.

    True when the button goes out later (planned); False when it is to be posted now.
    """
    now = tx.now
    start = max(start or now, now)
    later = start > now + timedelta(minutes=1)
    await tx.cancel_planned_check(check_id)
    if later:
        await tx.plan(team.id, None, "mc_open", "membercheck", start, check_id)
    times = reminder_times(start, deadline)
    for moment in fit_reminders(times, deadline, window, zone, opened=start):
        await tx.plan(team.id, None, "mc_nudge", "membercheck", moment, check_id)
    await tx.plan(team.id, None, "mc_deadline", "membercheck", deadline, check_id)
    return later


def yearly_moment(
    kept: datetime, calendar: SchoolCalendar, zone: ZoneInfo, school_day: int
) -> datetime:
    """When the yearly update is proposed for a map kept at this moment: on the given school
    day of the next school year (a map kept in the summer holiday: the one that begins then),
    at the opening of the sending window."""
    year = calendar.school_year_of(kept.astimezone(zone).date()) + 1
    first = calendar.school_year_start(year)
    day = calendar.add_school_days(first, school_day - 1)
    return datetime.combine(day, YEARLY_TIME, tzinfo=zone).astimezone(kept.tzinfo or zone)


async def plan_yearly(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """After /afronden: invite the team to update the map in the first weeks of the new school
    year (002: 'regelmatig')."""
    calendar = await school_calendar(tx, team)
    when = yearly_moment(tx.now, calendar, services.zone(team), services.settings.update_school_day)
    await tx.plan(team.id, round_.id, "yearly", Step.DONE.value, when)


async def to_people(
    tx: Tx, team: Team, user_ids: list[int], text: str, batch: str, buttons: Buttons = ()
) -> int:
    """Owe each person the text, except whoever blocked the bot (Telegram would only answer
    403 again); returns how many were left out for that."""
    blocked = await tx.blocked(user_ids)
    for user_id in user_ids:
        if user_id not in blocked:
            await tx.enqueue(Text(user_id, text, buttons, batch=batch), team.id)
    return len(blocked)
