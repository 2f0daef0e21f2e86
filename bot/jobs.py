"""Scheduler glue: the database holds every planned action; APScheduler only wakes us up.

A ticker runs every 30 seconds (and once at start-up, which catches anything that came due while
the bot was down). Each due row is claimed in its own committed transaction before it is carried
out, so no row runs twice, also not after a crash right after sending. Rows for a step that has
already moved on are skipped; rows that come due in quiet hours wait for the next opening.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, CallbackContext

from bot import callbacks
from core.model import Round, Team
from core.protocol import BRAINSTORMING, CLOSING_STAGES, ONBOARDING, Stage, Step
from core.schedule import Window, reminder_times, window_for

from .handlers.common import Outbox, Services, join_markup

if TYPE_CHECKING:
    from .handlers.group import GroupHandlers
    from .handlers.survey import SurveyHandlers

log = logging.getLogger(__name__)

TICK_SECONDS = 30
# An action claimed this long ago and not finished was cut off; it is taken up again, at most
# MAX_ATTEMPTS times in all (then it is given up, with an error in the log).
RESUME_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
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


class Scheduler:
    """Plans deadlines and reminders, and carries out whatever is due."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        services: Services,
        group: GroupHandlers,
        clock: Callable[[], datetime] | None = None,
        window: Window | None = None,
    ) -> None:
        self.app = app
        self.s = services
        self.group = group
        self.clock = clock or (lambda: datetime.now(UTC))
        self.window = window or Window()
        self._apscheduler: AsyncIOScheduler | None = None
        # Set by the wiring: the member check's reminders and deadline.
        self.survey: SurveyHandlers | None = None

    def zone(self, team: Team) -> ZoneInfo:
        """The team's time zone (its own setting, else the bot's default)."""
        return ZoneInfo(self.s.timezone(team))

    # -- planning --------------------------------------------------------------------------

    async def plan_check(
        self, team: Team, check_id: int, deadline: datetime, *, start: datetime | None = None
    ) -> bool:
        """The member check's deadline, with at most two reminders before it; sent at start.

        True when the button goes out later (planned); False when it is to be posted now.
        """
        now = self.clock()
        start = max(start or now, now)
        later = start > now + timedelta(minutes=1)
        async with self.s.store.tx() as tx:
            await tx.cancel_planned_check(check_id)
            if later:
                await tx.plan(team.id, None, "mc_open", "membercheck", start, check_id)
            for moment in reminder_times(start, deadline):
                await tx.plan(team.id, None, "mc_nudge", "membercheck", moment, check_id)
            await tx.plan(team.id, None, "mc_deadline", "membercheck", deadline, check_id)
        return later

    async def plan_step(self, team: Team, round_: Round, deadline: datetime) -> None:
        """A deadline for the running step, with at most two reminders before it."""
        now = self.clock()
        async with self.s.store.tx() as tx:
            await tx.cancel_planned(round_.id, round_.step)
            for moment in reminder_times(now, deadline):
                await tx.plan(team.id, round_.id, "step_nudge", round_.step, moment)
            await tx.plan(team.id, round_.id, "step_deadline", round_.step, deadline)

    # -- running ---------------------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> int:
        """Carry out every due row once; returns how many were carried out."""
        now = now or self.clock()
        async with self.s.store.tx() as tx:
            # A row claimed long enough ago and not finished was cut off (the process died,
            # or the action failed half-way): it is taken up again, and its outbox skips every
            # message that already went out. Waiting RESUME_AFTER leaves a broadcast that an
            # old process is still finishing during a redeploy alone.
            rows = await tx.interrupted(now - RESUME_AFTER)
            rows += await tx.due(now)
        done = 0
        for row in rows:
            try:
                ready = await self._take(row, now)
            except Exception:
                log.exception("planned action %s could not be prepared", row["id"])
                continue
            if ready is None:
                continue
            team, round_ = ready
            planned_id = int(row["id"])
            outbox = Outbox(self.s.store, planned_id)
            try:
                if row["kind"] == "yearly":
                    await self._yearly(team, outbox)
                elif (
                    row["kind"] in ("mc_open", "mc_nudge", "mc_deadline")
                    and self.survey is not None
                ):
                    await self.survey.planned(team, int(row["check_id"]), row["kind"], outbox)
                elif round_ is not None and round_.step == row["step"] and round_.closed_at is None:
                    if row["kind"] == "step_nudge":
                        await self._nudge(team, round_, outbox)
                    elif row["kind"] == "step_deadline":
                        await self._deadline(team, outbox)
            except Exception:
                # Left claimed: taken up again after RESUME_AFTER (at most MAX_ATTEMPTS times),
                # and its outbox skips whatever already went out.
                log.exception("planned action %s failed half-way", planned_id)
                continue
            async with self.s.store.tx() as tx:
                await tx.finish_planned(planned_id)
            done += 1
        return done

    async def _take(self, row: Any, now: datetime) -> tuple[Team, Round | None] | None:
        """Claim a due row (or take over an interrupted one) when messages may go out now."""
        planned_id = int(row["id"])
        resumed = row["status"] == "claimed"
        async with self.s.store.tx() as tx:
            if resumed and int(row["attempts"]) >= MAX_ATTEMPTS:
                log.error("planned action %s failed %s times; given up", planned_id, MAX_ATTEMPTS)
                await tx.finish_planned(planned_id)
                return None
            team = await tx.team(int(row["team_id"]))
            zone = self.zone(team)
            window = window_for(team.send_days, self.window)
            if not window.allows(now, zone):
                if not resumed:
                    await tx.postpone(planned_id, window.next_open(now, zone))
                return None
            if resumed:
                if not await tx.reclaim(planned_id, now - RESUME_AFTER):
                    return None
                log.info("resuming planned action %s after an interruption", planned_id)
            elif not await tx.claim(planned_id):
                return None
            round_ = await tx.round(int(row["round_id"])) if row["round_id"] else None
        return team, round_

    async def _nudge(self, team: Team, round_: Round, outbox: Outbox) -> None:
        step = Step(round_.step)
        lang = team.language.value
        async with self.s.store.tx() as tx:
            members = await tx.members(round_.id)
            picked = {m.id for m in members if await tx.priority(m.id) is not None}
            deadline_rows = [
                r
                for r in await tx.planned_for(round_.id)
                if r["kind"] == "step_deadline" and r["status"] == "planned"
            ]
        when = ""
        if deadline_rows:
            moment = datetime.fromisoformat(deadline_rows[-1]["run_at"])
            when = moment.astimezone(self.zone(team)).strftime("%d-%m %H:%M")
        working = [
            m
            for m in members
            if still_working(step, Stage(m.stage), m.finished_at is not None, m.id in picked)
        ]
        step_name = self.s.texts.plain(f"step.{round_.step}", lang)
        bot = self.app.bot
        text = self.s.texts.t("member.nudge", lang, step=step_name, deadline=when)
        unreachable = await outbox.to_people(bot, [m.user_id for m in working], text, "nudge")
        if working:
            text = self.s.texts.t(
                "group.nudge", lang, count=len(working), joined=len(members), deadline=when
            )
            await outbox.text(bot, team.chat_id, text, "nudge")
        if unreachable:
            # They never opened (or closed) their chat with the bot: offer the join link again.
            text = self.s.texts.t("group.not_reachable", lang, count=unreachable)
            markup = join_markup(self.s.texts, team, round_, bot.username)
            await outbox.text(bot, team.chat_id, text, "unreachable", markup)

    async def plan_yearly(self, team: Team, round_: Round) -> None:
        """After /afronden: remind the team to update the map (002: 'regelmatig')."""
        months = self.s.settings.update_months
        when = self.clock() + timedelta(days=round(months * 365.25 / 12))
        async with self.s.store.tx() as tx:
            await tx.plan(team.id, round_.id, "yearly", Step.DONE.value, when)

    async def _yearly(self, team: Team, outbox: Outbox) -> None:
        lang = team.language.value
        async with self.s.store.tx() as tx:
            version = await tx.latest_map_version(team.id)
            open_round = await tx.open_round_of(team.id)
        if open_round is not None:
            return  # the team already started a new round
        date = ""
        if version is not None:
            moment = datetime.fromisoformat(version["created_at"])
            date = moment.astimezone(self.zone(team)).strftime("%d-%m-%Y")
        text = self.s.texts.t("group.yearly", lang, date=date)
        button = InlineKeyboardButton(
            self.s.texts.plain("btn.new_round", lang), callback_data=callbacks.new_round(team.id)
        )
        markup = InlineKeyboardMarkup([[button]])
        await outbox.text(self.app.bot, team.chat_id, text, "yearly", markup)
        await outbox.text(self.app.bot, team.principal_user_id, text, "yearly")

    async def _deadline(self, team: Team, outbox: Outbox) -> None:
        context: CallbackContext[Any, Any, Any, Any] = CallbackContext(self.app)
        text = self.s.texts.t("group.deadline_reached", team.language.value)
        await outbox.text(self.app.bot, team.chat_id, text, "deadline")
        await self.group.close_team_step(context, team)

    # -- the ticker ------------------------------------------------------------------------

    async def tick(self) -> None:
        """One wake-up: carry out what is due (never raises)."""
        try:
            await self.run_due()
        except Exception:
            log.exception("scheduler tick failed")

    def start(self) -> None:
        """Start ticking on the running event loop, with a first tick right away."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        # The database decides what is due; a late or missed tick only delays, never drops.
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=TICK_SECONDS,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        scheduler.start()
        self._apscheduler = scheduler

    def shutdown(self) -> None:
        """Stop ticking."""
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
            self._apscheduler = None
