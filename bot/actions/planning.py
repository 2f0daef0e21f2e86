"""Deadlines, reminders and the yearly update: planned rows, and carrying out the due ones.

Every planned action runs in ONE transaction: claim the row, decide, write the messages to the
outbox, mark the row done. A kill before COMMIT leaves the row due (it runs again); a kill after
COMMIT leaves only outbox rows, which the deliverer sends. Rows for a step that has moved on
are skipped; rows that come due in quiet hours wait for the next opening.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import callbacks
from bot.context import Services
from core.effects import Notice, Tap, Text
from core.model import Round, Team
from core.protocol import Stage, Step
from prompts import Html
from storage.store import Tx

from . import commitments, maps, membercheck, steps
from .calendar import team_window
from .common import join_buttons, moment_text
from .plans import still_working, to_people

log = logging.getLogger(__name__)

# An action that raises is tried again on the next ticks, at most this often in all.
MAX_ATTEMPTS = 3
# A row due inside the window (a deadline at its end, 20:00) still runs when the tick that
# finds it comes a little later.
DUE_GRACE = timedelta(minutes=15)


# -- running ----------------------------------------------------------------------------------


async def run_due(services: Services, now: datetime) -> int:
    """Carry out every due row once; returns how many were carried out."""
    async with services.store.tx() as tx:
        ids = [int(row.id) for row in await tx.due(now)]
    done = 0
    for planned_id in ids:
        try:
            async with services.store.tx() as tx:
                done += await _carry_out(tx, services, planned_id, now)
        except Exception:
            # Rolled back: the row is still due. Tried again on later ticks, then given up.
            log.exception("planned action %s failed", planned_id)
            async with services.store.tx() as tx:
                if await tx.failed_attempt(planned_id) >= MAX_ATTEMPTS:
                    log.error("planned action %s failed %s times; given up", planned_id,
                              MAX_ATTEMPTS)  # fmt: skip
                    await tx.give_up_planned(planned_id)
    await services.flush()
    return done


async def _carry_out(tx: Tx, services: Services, planned_id: int, now: datetime) -> int:
    """Claim one due row and do what it says, in this transaction; 1 when it was done."""
    row = next((r for r in await tx.due(now) if int(r.id) == planned_id), None)
    if row is None:
        return 0  # taken or cancelled meanwhile
    team = await tx.team(int(row.team_id))
    zone = services.zone(team)
    window = await team_window(tx, services, team)
    due_in_window = window.allows_due(row.run_at, zone) and now - row.run_at <= DUE_GRACE
    if not window.allows(now, zone) and not due_in_window:
        await tx.postpone(planned_id, window.next_open(now, zone))
        return 0
    if not await tx.claim(planned_id):
        return 0
    kind = row.kind
    round_ = await tx.round(row.round_id) if row.round_id else None
    if kind == "yearly":
        await _yearly(tx, services, team)
    elif kind == "commitment_checkin":
        await commitments.checkin(tx, services, team, row)
    elif kind in ("mc_open", "mc_nudge", "mc_deadline") and row.check_id is not None:
        await membercheck.planned(tx, services, team, row.check_id, kind)
    elif round_ is not None and round_.step == row.step and round_.closed_at is None:
        if kind == "step_nudge":
            await _nudge(tx, services, team, round_)
        elif kind == "step_deadline" and row.step == maps.QUESTIONS_STEP:
            # The principal did not answer the questions about similar names: the default
            # applies (names stay apart, the provisional category holds) and the map goes out.
            await maps.release(tx, services, team, round_)
        elif kind == "step_deadline":
            text = services.texts.t("group.deadline_reached", team.language.value)
            await tx.enqueue(Text(team.chat_id, text), team.id)
            await steps.close_in(tx, services, team)
    await tx.finish_planned(planned_id)
    return 1


async def _nudge(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """Remind who is still working on the step, and tell the group how many are."""
    step = Step(round_.step)
    lang = team.language.value
    members = await tx.present_members(round_.id)
    picked = {m.id for m in members if await tx.priority(m.id) is not None}
    deadline_rows = [
        r
        for r in await tx.planned_for(round_.id)
        if r.kind == "step_deadline" and r.status == "planned"
    ]
    when = ""
    if deadline_rows:
        moment = deadline_rows[-1].run_at
        when = moment_text(services, team, moment)
    working = [
        m
        for m in members
        if still_working(step, Stage(m.stage), m.finished_at is not None, m.id in picked)
    ]
    step_name = services.texts.plain(f"step.{round_.step}", lang)
    text = services.texts.t("member.nudge", lang, step=step_name, deadline=when)
    batch = f"nudge:{round_.id}:{tx.now.isoformat()}"
    blocked = await to_people(tx, team, [m.user_id for m in working], text, batch)
    if working:
        text = services.texts.t(
            "group.nudge", lang, count=len(working), joined=len(members), deadline=when
        )
        await tx.enqueue(Text(team.chat_id, text), team.id)
    # They never opened (or closed) their chat with the bot: offer the join link again.
    notice = Notice(
        team.chat_id,
        batch,
        "group.not_reachable",
        lang,
        buttons=join_buttons(services, team, round_),
        blocked=blocked,
    )
    await tx.enqueue(notice, team.id)


async def _yearly(tx: Tx, services: Services, team: Team) -> None:
    """A year after /afronden: group and principal are invited to update the map."""
    lang = team.language.value
    version = await tx.latest_map_version(team.id)
    if await tx.open_round_of(team.id) is not None:
        return  # the team already started a new round
    date = ""
    if version is not None:
        moment = version.created_at
        date = moment.astimezone(services.zone(team)).strftime("%d-%m-%Y")
    text = services.texts.t("group.yearly", lang, date=date)
    # The update starts from what the team agreed last time ("Is het CLB dichterbij gekomen?").
    agreed = await commitments.yearly_text(tx, services, team)
    if agreed:
        text = Html(f"{text}\n\n{agreed}")
    button = Tap(services.texts.plain("btn.new_round", lang), callbacks.new_round(team.id))
    await tx.enqueue(Text(team.chat_id, text, ((button,),)), team.id)
    await tx.enqueue(Text(team.principal_user_id, text), team.id)
