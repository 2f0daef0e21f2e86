"""The ticker: the database holds every planned action; APScheduler only wakes us up.

A tick runs every 30 seconds (and once at start-up, which catches anything that came due while
the bot was down): it carries out the due planned rows (bot/actions/planning.py, each in one
transaction with the messages it owes) and then delivers the outbox, which also retries rows
that had to wait. Jobs import actions, never handlers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.actions import planning
from bot.context import Services

log = logging.getLogger(__name__)

TICK_SECONDS = 30


class Scheduler:
    """Wakes up every TICK_SECONDS and carries out whatever is due."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self._apscheduler: AsyncIOScheduler | None = None

    async def run_due(self, now: datetime | None = None) -> int:
        """Carry out every due row once and deliver what is owed; returns how many ran."""
        return await planning.run_due(self.s, now or self.s.clock())

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
