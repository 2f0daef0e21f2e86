"""The second look at the merged map (step 2B), as plain data: no Telegram, no storage.

When the group gets the merged map, every member is invited once, in private: "Mis je iemand
op de kaart? Zie je een verband?". They may add partners (the brainstorm's questions) and
propose links, and they place the disputed partners blind: for a spread of two rings or more
"closer, as it is, or further?", for a category tie one of the tied categories. Nobody sees
anyone's answer until the principal closes the look; the placement then follows the team's
majority, and a tie keeps the placement as it was (PROTOCOL.md §2.2 step 2B: "Let members vote
or adjust distance and category").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .merge import Node
from .model import Category, Distance

DISTANCE = "distance"
CATEGORY = "category"


class Move(StrEnum):
    """A member's answer on a disputed distance."""

    CLOSER = "closer"
    KEEP = "keep"
    FURTHER = "further"


@dataclass(frozen=True)
class Look:
    """One second look of a round (at most one per round)."""

    id: int
    round_id: int
    opened_at: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until the principal (or the next step) closed it."""
        return self.closed_at is None


@dataclass(frozen=True)
class Placement:
    """A disputed partner put to the team: its distance or its (tied) category."""

    id: int
    look_id: int
    node_key: str
    label: str
    field: str  # DISTANCE | CATEGORY
    before: str  # the map's value when the look opened (a ring number or a category)
    options: str  # the tied categories, comma-separated ('' for a distance)
    after: str | None = None  # the team's value, once the look closed

    @property
    def choices(self) -> tuple[str, ...]:
        """What a member may answer: the moves that stay on the scale, or the tied categories."""
        if self.field == CATEGORY:
            return tuple(c for c in self.options.split(",") if c)
        ring = int(self.before)
        moves = []
        if ring > min(Distance):
            moves.append(Move.CLOSER.value)
        moves.append(Move.KEEP.value)
        if ring < max(Distance):
            moves.append(Move.FURTHER.value)
        return tuple(moves)

    @property
    def moved(self) -> bool:
        """True when the team's answer changed the map."""
        return self.after is not None and self.after != self.before


def disputed(nodes: Iterable[Node]) -> list[tuple[Node, str, str, str]]:
    """The questions a map raises: (node, field, value now, tied options) for every partner
    whose placements spread over two rings or more, and every category tie."""
    questions: list[tuple[Node, str, str, str]] = []
    for node in nodes:
        if node.disputed and node.distance is not None:
            questions.append((node, DISTANCE, str(int(node.distance)), ""))
        if node.category_tie and node.category is not None:
            options = ",".join(c.value for c in node.category_tie)
            questions.append((node, CATEGORY, node.category.value, options))
    return questions


def winner(votes: Iterable[str]) -> str | None:
    """The one answer most members gave; None when nobody answered or the top is shared."""
    counts = Counter(votes).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def team_value(placement: Placement, votes: Iterable[str]) -> str:
    """Where the team puts the partner: the majority's answer; a tie keeps it as it was."""
    valid = [v for v in votes if v in placement.choices]
    chosen = winner(valid)
    if placement.field == CATEGORY:
        return chosen if chosen is not None else placement.before
    ring = int(placement.before)
    if chosen == Move.CLOSER.value:
        ring -= 1
    elif chosen == Move.FURTHER.value:
        ring += 1
    return str(Distance(min(max(ring, min(Distance)), max(Distance))).value)


def tally(placement: Placement, votes: Iterable[str]) -> list[tuple[str, int]]:
    """How many members gave each answer, in the order of the choices (shown after closing)."""
    counts = Counter(votes)
    return [(choice, counts.get(choice, 0)) for choice in placement.choices]


def category_of(value: str) -> Category:
    """A stored category value."""
    return Category(value)
