"""The team's notes per round (core.notes), who is writing one now, and the note taker."""

from __future__ import annotations

from .base import TxBase, ts


class NoteQueries(TxBase):
    """Reading and writing a round's notes; never who wrote them."""

    async def team_notes(self, round_id: int) -> dict[str, str]:
        """Every note of the round, by item."""
        rows = await self._all("SELECT item, text FROM team_notes WHERE round_id = ?", (round_id,))
        return {str(row["item"]): str(row["text"]) for row in rows}

    async def set_team_note(self, round_id: int, item: str, text: str) -> None:
        """Write (or rewrite) one note of the round."""
        await self._run(
            "INSERT INTO team_notes (round_id, item, text, written_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (round_id, item) DO UPDATE SET text = excluded.text,"
            " written_at = excluded.written_at",
            (round_id, item, text, ts(self.now)),
        )

    async def start_writing(self, user_id: int, round_id: int, item: str) -> None:
        """The person's next typed message is the text of this note."""
        await self._run(
            "INSERT INTO note_writing (user_id, round_id, item, started_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET round_id = excluded.round_id,"
            " item = excluded.item, started_at = excluded.started_at",
            (user_id, round_id, item, ts(self.now)),
        )

    async def writing(self, user_id: int) -> tuple[int, str] | None:
        """(round id, item) of the note this person is writing now, if any."""
        row = await self._one(
            "SELECT round_id, item FROM note_writing WHERE user_id = ?", (user_id,)
        )
        return (int(row["round_id"]), str(row["item"])) if row else None

    async def stop_writing(self, user_id: int) -> None:
        """The person is no longer writing a note."""
        await self._run("DELETE FROM note_writing WHERE user_id = ?", (user_id,))

    async def note_taker(self, round_id: int) -> tuple[int, int, str] | None:
        """(member id, user id, newest item offered) of the round's note taker, if chosen."""
        row = await self._one(
            "SELECT member_id, user_id, offered FROM note_takers WHERE round_id = ?", (round_id,)
        )
        return (int(row["member_id"]), int(row["user_id"]), str(row["offered"])) if row else None

    async def set_note_taker(self, round_id: int, member_id: int, user_id: int) -> None:
        """This member records the round's notes (instead of whoever had that task)."""
        await self._run(
            "INSERT INTO note_takers (round_id, member_id, user_id, offered, chosen_at)"
            " VALUES (?, ?, ?, '', ?) ON CONFLICT (round_id) DO UPDATE SET"
            " member_id = excluded.member_id, user_id = excluded.user_id, offered = '',"
            " chosen_at = excluded.chosen_at",
            (round_id, member_id, user_id, ts(self.now)),
        )

    async def set_note_offered(self, round_id: int, item: str) -> None:
        """The note taker was offered this item (the newest one they can write)."""
        await self._run("UPDATE note_takers SET offered = ? WHERE round_id = ?", (item, round_id))

    async def forget_note_person(self, user_id: int) -> None:
        """A person asked to be forgotten: their note-taking task and open note go (the
        notes themselves are the team's and name no one)."""
        await self._run("DELETE FROM note_writing WHERE user_id = ?", (user_id,))
        await self._run("DELETE FROM note_takers WHERE user_id = ?", (user_id,))

    async def revise_map_version(
        self, version_id: int, snapshot_json: str, report_pdf: bytes, report_md: str
    ) -> None:
        """Write a kept version's report again with the team's notes (same map, same picture;
        the database allows only this and anonymising)."""
        await self._run(
            "UPDATE map_versions SET snapshot_json = ?, report_pdf = ?, report_md = ?,"
            " revised = revised + 1 WHERE id = ?",
            (snapshot_json, report_pdf, report_md, version_id),
        )
