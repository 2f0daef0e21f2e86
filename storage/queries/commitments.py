"""Agreed next steps: the commitments of a team, their check-ins and what is being typed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.commitments import Checkin, Commitment, Status

from .base import TxBase, ts, ts_precise

# The columns a caller may change with update_commitment.
_FIELDS = frozenset(
    {"what", "partner", "owner_role", "owner_user_id", "owner_status", "due_date", "status",
     "postponed", "note", "note_by", "closed_at"}
)  # fmt: skip


class CommitmentQueries(TxBase):
    """Making commitments, planning and recording their check-ins."""

    async def add_commitment(self, team_id: int, round_id: int, created_by: int) -> Commitment:
        """A new draft commitment of the round."""
        row = await self._returning(
            "INSERT INTO commitments (team_id, round_id, created_by, created_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (team_id, round_id, created_by, ts(self.now)),
        )
        assert row is not None
        found = await self.commitment(int(row["id"]))
        assert found is not None
        return found

    async def commitment(self, commitment_id: int) -> Commitment | None:
        """One commitment, if it exists."""
        return await self._record(
            Commitment, "SELECT * FROM commitments WHERE id = ?", (commitment_id,)
        )

    async def commitments_of(self, team_id: int, round_id: int | None = None) -> list[Commitment]:
        """A team's commitments (of one round, or all), drafts left out, oldest first."""
        if round_id is None:
            return await self._records(
                Commitment,
                "SELECT * FROM commitments WHERE team_id = ? AND status != 'draft' ORDER BY id",
                (team_id,),
            )
        return await self._records(
            Commitment,
            "SELECT * FROM commitments WHERE team_id = ? AND round_id = ? AND status != 'draft'"
            " ORDER BY id",
            (team_id, round_id),
        )

    async def running_commitments(self, team_id: int) -> int:
        """How many of the team's commitments run."""
        row = await self._one(
            "SELECT COUNT(*) AS n FROM commitments WHERE team_id = ? AND status = 'open'",
            (team_id,),
        )
        return int(row["n"]) if row else 0

    async def update_commitment(self, commitment_id: int, **fields: Any) -> Commitment:
        """Change some columns of a commitment; returns it as it is now."""
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ValueError(f"not a commitment column: {sorted(unknown)}")
        values = [
            v.value if isinstance(v, Status) else ts(v) if isinstance(v, datetime) else v
            for v in fields.values()
        ]
        columns = ", ".join(f"{name} = ?" for name in fields)
        await self._run(
            # The column names come from _FIELDS only (checked above).
            f"UPDATE commitments SET {columns} WHERE id = ?",
            (*values, commitment_id),
        )
        found = await self.commitment(commitment_id)
        assert found is not None
        return found

    async def drop_drafts(self, team_id: int, user_id: int) -> int:
        """Half-made commitments this facilitator left behind (a new one starts)."""
        return await self._run(
            "DELETE FROM commitments WHERE team_id = ? AND created_by = ? AND status = 'draft'",
            (team_id, user_id),
        )

    async def delete_commitment(self, commitment_id: int) -> None:
        """A draft that was cancelled."""
        await self._run("DELETE FROM commitments WHERE id = ?", (commitment_id,))

    # -- what a person is typing ------------------------------------------------------------

    async def commitment_input(self, user_id: int) -> tuple[int, str] | None:
        """(commitment id, field) this person's next typed message is for, if any."""
        row = await self._one(
            "SELECT commitment_id, field FROM commitment_input WHERE user_id = ?", (user_id,)
        )
        return (int(row["commitment_id"]), str(row["field"])) if row else None

    async def commitment_input_since(self, user_id: int) -> datetime | None:
        """When this person's typing for a commitment began (it expires)."""
        row = await self._one("SELECT since FROM commitment_input WHERE user_id = ?", (user_id,))
        return datetime.fromisoformat(row["since"]) if row else None

    async def expect_input(self, user_id: int, commitment_id: int, field: str) -> None:
        """The person's next typed message is this field of this commitment."""
        await self._run(
            "INSERT INTO commitment_input (user_id, commitment_id, field, since)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET commitment_id = excluded.commitment_id,"
            " field = excluded.field, since = excluded.since",
            (user_id, commitment_id, field, ts(self.now)),
        )

    async def clear_input(self, user_id: int) -> None:
        """Typed messages go to the person's other conversations again."""
        await self._run("DELETE FROM commitment_input WHERE user_id = ?", (user_id,))

    # -- check-ins -------------------------------------------------------------------------

    async def plan_checkin(self, commitment: Commitment, run_at: datetime) -> int:
        """The check-in of the commitment's date; an earlier one still planned is cancelled."""
        await self.cancel_checkins(commitment.id)
        return await self._run(
            "INSERT INTO planned (team_id, round_id, commitment_id, kind, step, run_at,"
            " created_at) VALUES (?, ?, ?, 'commitment_checkin', ?, ?, ?)",
            (commitment.team_id, commitment.round_id, commitment.id, commitment.due_date or "",
             ts_precise(run_at), ts(self.now)),
        )  # fmt: skip

    async def cancel_checkins(self, commitment_id: int) -> int:
        """Cancel the check-ins still planned for a commitment."""
        return await self._run(
            "UPDATE planned SET status = 'cancelled' WHERE commitment_id = ?"
            " AND status = 'planned'",
            (commitment_id,),
        )

    async def planned_checkin_of(self, planned_id: int) -> tuple[int, str] | None:
        """(commitment id, date) of a planned check-in row."""
        row = await self._one(
            "SELECT commitment_id, step FROM planned WHERE id = ? AND kind = 'commitment_checkin'",
            (planned_id,),
        )
        if row is None or row["commitment_id"] is None:
            return None
        return int(row["commitment_id"]), str(row["step"])

    async def record_checkin(self, commitment_id: int, due: date, chat_id: int) -> int | None:
        """Note the check-in of this date as owed; None when it was already (never twice)."""
        cursor = self._db.execute(
            "INSERT INTO commitment_checkins (commitment_id, due_date, chat_id, sent_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (commitment_id, due_date) DO NOTHING",
            (commitment_id, due.isoformat(), chat_id, ts(self.now)),
        )
        try:
            return int(cursor.lastrowid or 0) if cursor.rowcount else None
        finally:
            cursor.close()

    async def checkins(self, commitment_id: int) -> list[Checkin]:
        """Every check-in of a commitment, in date order."""
        return await self._records(
            Checkin,
            "SELECT * FROM commitment_checkins WHERE commitment_id = ? ORDER BY due_date, id",
            (commitment_id,),
        )

    async def checkin(self, checkin_id: int) -> Checkin | None:
        """One check-in."""
        return await self._record(
            Checkin, "SELECT * FROM commitment_checkins WHERE id = ?", (checkin_id,)
        )

    async def answer_checkin(self, checkin_id: int, answer: str) -> bool:
        """Record the answer; False when the check-in was answered already (a double tap)."""
        return (
            await self._run(
                "UPDATE commitment_checkins SET answer = ?, answered_at = ?"
                " WHERE id = ? AND answer IS NULL",
                (answer, ts(self.now), checkin_id),
            )
            > 0
        )

    # -- privacy ---------------------------------------------------------------------------

    async def owned_commitments(self, user_id: int) -> list[Commitment]:
        """The commitments this person took on (for /mijngegevens and /vergeetmij)."""
        return await self._records(
            Commitment,
            "SELECT * FROM commitments WHERE owner_user_id = ? AND status != 'draft' ORDER BY id",
            (user_id,),
        )

    async def forget_commitment_owner(self, user_id: int) -> int:
        """A person asked to be forgotten: their commitments stay, without them (the
        facilitator gets the check-in); what they were typing goes. Returns how many."""
        await self._run("DELETE FROM commitment_input WHERE user_id = ?", (user_id,))
        await self._run("UPDATE commitments SET created_by = NULL WHERE created_by = ?", (user_id,))
        await self._run("UPDATE commitment_checkins SET chat_id = 0 WHERE chat_id = ?", (user_id,))
        await self._run(
            "UPDATE commitments SET note = NULL, note_by = NULL WHERE note_by = ?", (user_id,)
        )
        return await self._run(
            "UPDATE commitments SET owner_user_id = NULL, owner_status = 'none',"
            " owner_role = NULL WHERE owner_user_id = ?",
            (user_id,),
        )
