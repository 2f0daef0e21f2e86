"""Planned rows: a step's deadline and reminders, the member check's, the yearly reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Services
from core.effects import Buttons, Text
from core.model import Round, Team
from core.protocol import BRAINSTORMING, CLOSING_STAGES, ONBOARDING, Stage, Step
from core.schedule import reminder_times
from storage.store import Tx

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


async def plan_step(tx: Tx, team: Team, round_: Round, deadline: datetime) -> None:
    """A deadline for the running step, with at most two reminders before it."""
    await tx.cancel_planned(round_.id, round_.step)
    for moment in reminder_times(tx.now, deadline):
        await tx.plan(team.id, round_.id, "step_nudge", round_.step, moment)
    await tx.plan(team.id, round_.id, "step_deadline", round_.step, deadline)


async def plan_check(
    tx: Tx, team: Team, check_id: int, deadline: datetime, *, start: datetime | None = None
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
    for moment in reminder_times(start, deadline):
        await tx.plan(team.id, None, "mc_nudge", "membercheck", moment, check_id)
    await tx.plan(team.id, None, "mc_deadline", "membercheck", deadline, check_id)
    return later


async def plan_yearly(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """After /afronden: remind the team to update the map (002: 'regelmatig')."""
    months = services.settings.update_months
    when = tx.now + timedelta(days=round(months * 365.25 / 12))
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
