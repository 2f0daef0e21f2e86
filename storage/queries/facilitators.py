"""The team's facilitators besides its principal: who may run the protocol too."""

from __future__ import annotations

from core.records import Facilitator

from .base import TxBase, ts


class FacilitatorQueries(TxBase):
    """Adding, listing and removing co-facilitators of a team."""

    async def team_exists(self, team_id: int) -> bool:
        """True when a team with this id exists (a button may outlive its team)."""
        return await self._one("SELECT 1 FROM teams WHERE id = ?", (team_id,)) is not None

    async def co_facilitators(self, team_id: int) -> list[Facilitator]:
        """The people the principal handed the role to as well, in the order they got it."""
        return await self._records(
            Facilitator,
            "SELECT * FROM facilitators WHERE team_id = ? ORDER BY added_at, user_id",
            (team_id,),
        )

    async def is_co_facilitator(self, team_id: int, user_id: int) -> bool:
        """True when this person facilitates the team besides its principal."""
        row = await self._one(
            "SELECT 1 FROM facilitators WHERE team_id = ? AND user_id = ?", (team_id, user_id)
        )
        return row is not None

    async def add_facilitator(
        self, team_id: int, user_id: int, first_name: str, added_by: int
    ) -> bool:
        """Hand the role to this person as well; False when they had it already."""
        if await self.is_co_facilitator(team_id, user_id):
            return False
        await self._run(
            "INSERT INTO facilitators (team_id, user_id, first_name, added_by, added_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (team_id, user_id, first_name, added_by, ts(self.now)),
        )
        return True

    async def remove_facilitator(self, team_id: int, user_id: int) -> bool:
        """Take the role back; False when the person did not have it."""
        return (
            await self._run(
                "DELETE FROM facilitators WHERE team_id = ? AND user_id = ?", (team_id, user_id)
            )
            > 0
        )

    async def co_facilitated_team_ids(self, user_id: int) -> list[int]:
        """The teams this person facilitates besides their principals, newest first."""
        rows = await self._all(
            "SELECT team_id FROM facilitators WHERE user_id = ? ORDER BY team_id DESC",
            (user_id,),
        )
        return [int(row["team_id"]) for row in rows]

    async def forget_facilitator(self, user_id: int) -> None:
        """A person asked to be forgotten: the role they were handed goes too."""
        await self._run("DELETE FROM facilitators WHERE user_id = ?", (user_id,))
