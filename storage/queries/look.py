"""The second look at the merged map: the look, members' places in it, additions, links and
the blind placements of disputed partners."""

from __future__ import annotations

from core.look import Look, Placement
from core.merge import name_key
from storage.records import record

from .base import TxBase, ts


class LookQueries(TxBase):
    """Reading and writing a round's second look."""

    async def open_look(self, round_id: int) -> Look | None:
        """Open the round's second look; None when it had one already (it opens once)."""
        if await self.look_of(round_id) is not None:
            return None
        await self._run(
            "INSERT INTO looks (round_id, opened_at) VALUES (?, ?)", (round_id, ts(self.now))
        )
        return await self.look_of(round_id)

    async def look_of(self, round_id: int) -> Look | None:
        """The round's second look, open or closed, if it had one."""
        return await self._record(Look, "SELECT * FROM looks WHERE round_id = ?", (round_id,))

    async def close_look(self, look_id: int) -> bool:
        """Close the look; False when it was closed already (a double tap)."""
        changed = await self._run(
            "UPDATE looks SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (ts(self.now), look_id),
        )
        return changed > 0

    # -- a member's place ----------------------------------------------------------------------

    async def _look_member(self, look_id: int, member_id: int) -> None:
        await self._run(
            "INSERT OR IGNORE INTO look_members (look_id, member_id) VALUES (?, ?)",
            (look_id, member_id),
        )

    async def look_place(self, look_id: int, member_id: int) -> tuple[str | None, int | None]:
        """(first partner of the link being drawn, disputed partner being asked) of a member."""
        row = await self._one(
            "SELECT link_from, placement_id FROM look_members WHERE look_id = ? AND member_id = ?",
            (look_id, member_id),
        )
        if row is None:
            return None, None
        return row["link_from"], row["placement_id"]

    async def set_look_place(
        self, look_id: int, member_id: int, *, link_from: str | None, placement_id: int | None
    ) -> None:
        """Remember where the member is in a link or among the disputed partners."""
        await self._look_member(look_id, member_id)
        await self._run(
            "UPDATE look_members SET link_from = ?, placement_id = ?"
            " WHERE look_id = ? AND member_id = ?",
            (link_from, placement_id, look_id, member_id),
        )

    async def set_look_done(self, look_id: int, member_id: int, done: bool) -> None:
        """The member says they are done with the look (or comes back to it)."""
        await self._look_member(look_id, member_id)
        await self._run(
            "UPDATE look_members SET done_at = ? WHERE look_id = ? AND member_id = ?",
            (ts(self.now) if done else None, look_id, member_id),
        )

    async def look_done_count(self, look_id: int) -> int:
        """How many present members said they are done (a count, never who)."""
        row = await self._one(
            "SELECT COUNT(*) AS n FROM look_members l JOIN members m ON m.id = l.member_id"
            " WHERE l.look_id = ? AND l.done_at IS NOT NULL AND m.left_at IS NULL",
            (look_id,),
        )
        return int(row["n"]) if row else 0

    # -- additions and links -------------------------------------------------------------------

    async def note_look_postit(self, look_id: int, postit_id: int) -> None:
        """This post-it was added during the look (hidden from the team until it closes)."""
        await self._run(
            "INSERT OR IGNORE INTO look_postits (postit_id, look_id) VALUES (?, ?)",
            (postit_id, look_id),
        )

    async def look_postit_ids(self, look_id: int) -> set[int]:
        """The post-its added during the look."""
        rows = await self._all("SELECT postit_id FROM look_postits WHERE look_id = ?", (look_id,))
        return {int(row["postit_id"]) for row in rows}

    async def add_look_link(self, look_id: int, member_id: int, key_a: str, key_b: str) -> bool:
        """A link a member proposes; False when they proposed it already."""
        a, b = sorted((key_a, key_b))
        exists = await self._one(
            "SELECT 1 FROM look_links WHERE look_id = ? AND member_id = ? AND key_a = ?"
            " AND key_b = ?",
            (look_id, member_id, a, b),
        )
        if exists:
            return False
        await self._run(
            "INSERT INTO look_links (look_id, member_id, key_a, key_b, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (look_id, member_id, a, b, ts(self.now)),
        )
        return True

    async def look_links(self, look_id: int) -> list[tuple[int, str, str]]:
        """Every proposed link as (member id, key a, key b), oldest first."""
        rows = await self._all(
            "SELECT member_id, key_a, key_b FROM look_links WHERE look_id = ?"
            " ORDER BY created_at, member_id, key_a, key_b",
            (look_id,),
        )
        return [(int(r["member_id"]), r["key_a"], r["key_b"]) for r in rows]

    # -- disputed partners ---------------------------------------------------------------------

    async def add_placement(
        self, look_id: int, node_key: str, label: str, field: str, before: str, options: str
    ) -> None:
        """Put one disputed partner's distance or category to the team (once)."""
        await self._run(
            "INSERT OR IGNORE INTO placements (look_id, node_key, label, field, before, options)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (look_id, node_key, label, field, before, options),
        )

    async def placements(self, look_id: int) -> list[Placement]:
        """The disputed partners of the look, in the order they were put."""
        return await self._records(
            Placement, "SELECT * FROM placements WHERE look_id = ? ORDER BY id", (look_id,)
        )

    async def placements_of_round(self, round_id: int) -> list[Placement]:
        """The disputed partners of a round's look (none without a look)."""
        return await self._records(
            Placement,
            "SELECT p.* FROM placements p JOIN looks l ON l.id = p.look_id"
            " WHERE l.round_id = ? ORDER BY p.id",
            (round_id,),
        )

    async def set_placement_after(self, placement_id: int, after: str) -> None:
        """The team's value for a disputed partner."""
        await self._run("UPDATE placements SET after = ? WHERE id = ?", (after, placement_id))

    async def vote(self, placement_id: int, member_id: int, vote: str) -> None:
        """A member's blind answer (a new answer replaces the old one)."""
        await self._run(
            "INSERT INTO placement_votes (placement_id, member_id, vote, voted_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (placement_id, member_id)"
            " DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
            (placement_id, member_id, vote, ts(self.now)),
        )

    async def my_vote(self, placement_id: int, member_id: int) -> str | None:
        """This member's own answer, if any (the only answer anyone sees before closing)."""
        row = await self._one(
            "SELECT vote FROM placement_votes WHERE placement_id = ? AND member_id = ?",
            (placement_id, member_id),
        )
        return str(row["vote"]) if row else None

    async def votes(self, placement_id: int) -> list[str]:
        """Every answer on a disputed partner, without who gave it (read when it closes)."""
        rows = await self._all(
            "SELECT v.vote FROM placement_votes v JOIN members m ON m.id = v.member_id"
            " WHERE v.placement_id = ? AND m.left_at IS NULL ORDER BY v.vote",
            (placement_id,),
        )
        return [str(r["vote"]) for r in rows]

    # -- what a person sees of their own data ----------------------------------------------

    async def my_look(self, member_id: int) -> tuple[list[tuple[Placement, str]], list[str]]:
        """A member's blind answers (with their placement) and the links they proposed, as
        'A — B' with the names as the team wrote them (/mijngegevens)."""
        rows = await self._all(
            "SELECT p.*, v.vote AS my_answer FROM placement_votes v"
            " JOIN placements p ON p.id = v.placement_id WHERE v.member_id = ? ORDER BY p.id",
            (member_id,),
        )
        votes = [(record(Placement, row), str(row["my_answer"])) for row in rows]
        links: list[str] = []
        for member, key_a, key_b in await self._all_look_links(member_id):
            names = [await self._label_of(member, key) for key in (key_a, key_b)]
            links.append(" — ".join(names))
        return votes, links

    async def _all_look_links(self, member_id: int) -> list[tuple[int, str, str]]:
        rows = await self._all(
            "SELECT member_id, key_a, key_b FROM look_links WHERE member_id = ?"
            " ORDER BY created_at, key_a, key_b",
            (member_id,),
        )
        return [(int(r["member_id"]), r["key_a"], r["key_b"]) for r in rows]

    async def _label_of(self, member_id: int, key: str) -> str:
        """A partner's name as someone in the member's round wrote it (else its key)."""
        rows = await self._all(
            "SELECT text FROM postits WHERE member_id IN (SELECT id FROM members"
            " WHERE round_id = (SELECT round_id FROM members WHERE id = ?)) ORDER BY id",
            (member_id,),
        )
        return next((str(r["text"]) for r in rows if name_key(str(r["text"])) == key), key)
