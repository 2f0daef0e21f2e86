"""The school calendar's own days off and the imported map (the rest of the calendar is data)."""

from __future__ import annotations

from datetime import date

from core.calendar import FreeDay
from core.records import Planned

from .base import TxBase, ts


class CalendarQueries(TxBase):
    """Adding, listing and removing a team's own days off."""

    async def free_days(self, team_id: int) -> list[FreeDay]:
        """The team's own days off, in date order."""
        rows = await self._all(
            "SELECT day, kind, label FROM team_free_days WHERE team_id = ? ORDER BY day",
            (team_id,),
        )
        return [FreeDay(date.fromisoformat(row["day"]), row["kind"], row["label"]) for row in rows]

    async def add_free_days(self, team_id: int, days: list[FreeDay], added_by: int) -> int:
        """Add these days off (a day already there gets the new kind and label); how many
        were new."""
        new = 0
        for free in days:
            existing = await self._one(
                "SELECT 1 FROM team_free_days WHERE team_id = ? AND day = ?",
                (team_id, free.day.isoformat()),
            )
            new += existing is None
            await self._run(
                "INSERT INTO team_free_days (team_id, day, kind, label, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, day)"
                " DO UPDATE SET kind = excluded.kind, label = excluded.label",
                (team_id, free.day.isoformat(), free.kind, free.label, added_by, ts(self.now)),
            )
        return new

    async def remove_free_days(self, team_id: int, days: list[date]) -> int:
        """Take these days off the team's list; how many were there."""
        removed = 0
        for day in days:
            removed += await self._run(
                "DELETE FROM team_free_days WHERE team_id = ? AND day = ?",
                (team_id, day.isoformat()),
            )
        return removed

    async def planned_of_team(self, team_id: int) -> list[Planned]:
        """The team's planned rows still to run, soonest first."""
        return await self._records(
            Planned,
            "SELECT * FROM planned WHERE team_id = ? AND status = 'planned' ORDER BY run_at, id",
            (team_id,),
        )

    # -- the map a school already has (an imported round) -----------------------------------

    async def mark_imported(self, round_id: int, file_name: str) -> None:
        """Note that this round was read from a spreadsheet, not run with the bot."""
        await self._run(
            "UPDATE rounds SET imported_from = ? WHERE id = ?", (file_name[:120], round_id)
        )

    async def imported_from(self, round_id: int) -> str | None:
        """The spreadsheet a round was read from, or None for a round run with the bot."""
        row = await self._one("SELECT imported_from FROM rounds WHERE id = ?", (round_id,))
        return str(row["imported_from"]) if row and row["imported_from"] is not None else None

    async def route_to(self, user_id: int, member_id: int | None) -> None:
        """Route this person's direct messages to this membership again (None: to none)."""
        await self._run(
            "UPDATE people SET active_member_id = ? WHERE user_id = ?", (member_id, user_id)
        )
