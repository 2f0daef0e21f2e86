"""The team's school calendar: the Flemish holidays (data) plus the school's own days off.

Every action that plans or sends something on a date asks here, so that nothing planned falls
on a holiday:

    calendar = await school_calendar(tx, team)     # core.calendar.SchoolCalendar
    window = await team_window(tx, services, team)  # core.schedule.Window, holidays closed
"""

from __future__ import annotations

from bot.context import Services
from core.calendar import SchoolCalendar
from core.model import Team
from core.schedule import Window, window_for
from storage.store import Tx


async def school_calendar(tx: Tx, team: Team) -> SchoolCalendar:
    """The team's calendar: official holidays and its own free days and study days."""
    return SchoolCalendar(extra=tuple(await tx.free_days(team.id)), language=team.language.value)


async def team_window(tx: Tx, services: Services, team: Team) -> Window:
    """When planned messages may reach the team's people: its hours, no holidays."""
    return window_for(team.send_days, services.window, await school_calendar(tx, team))
