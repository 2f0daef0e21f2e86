"""Who placed which partner where in a round: what the yearly comparison follows."""

from __future__ import annotations

from core.compare import Placement

from .base import TxBase


class PlacementQueries(TxBase):
    """Each post-it of a round as a person's placement (the person as their Telegram id,
    which only links the same person across rounds and is never shown)."""

    async def people_placements(self, round_id: int) -> list[Placement]:
        """Every post-it of the round as (person, name, distance)."""
        rows = await self._all(
            "SELECT m.user_id, p.text, p.distance FROM postits p"
            " JOIN members m ON m.id = p.member_id WHERE m.round_id = ? ORDER BY p.id",
            (round_id,),
        )
        return [
            Placement(
                int(r["user_id"]),
                str(r["text"]),
                int(r["distance"]) if r["distance"] is not None else None,
            )
            for r in rows
        ]
