"""What the team takes from each shared step, as the facilitator or note taker records it.

002 step 0 asks to agree who takes notes ("wie verslagnemer zal zijn"), step 1 to name what
the team wants from the conversation (INTRO.I1); the research's school reports close with a
"Schoolspecifieke conclusie" and a "Reflectie op de werkvorm". One free text per item and
round; an item can be written once the group has received what it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Item(StrEnum):
    """One note of a round, in protocol order."""

    AIM = "aim"  # INTRO.I1: what the team wants to get out of the conversation
    INTRO = "intro"  # step 1 shared: nuances and consensus on collective learning
    MAP = "map"  # 2B: the merged map reached the group
    PRIORITIES = "priorities"  # 2C closed: the picks are on the map
    DEEP = "deep"  # step 3: the answers per partner were shared
    CLOSING = "closing"  # step 4: the closing answers were shared
    REFLECTION = "reflection"  # step 5: how the team experienced the method


# The notes that are the team's conclusions about a shared step (the report's conclusion).
STEP_ITEMS: tuple[Item, ...] = (Item.INTRO, Item.MAP, Item.PRIORITIES, Item.DEEP, Item.CLOSING)


@dataclass(frozen=True)
class Shared:
    """What the group has received of a round so far."""

    intro: bool = False
    map: bool = False
    priorities: bool = False
    deep: bool = False
    closing: bool = False
    done: bool = False


def available(shared: Shared) -> list[Item]:
    """The notes that can be written now, in protocol order: the aim from the start, a step's
    conclusion once the group received that step, the reflection once the round is kept."""
    items = [Item.AIM]
    items += [item for item in STEP_ITEMS if getattr(shared, item.value)]
    if shared.done:
        items.append(Item.REFLECTION)
    return items


def pending(shared: Shared, written: set[str]) -> Item | None:
    """The newest available note that has no text yet (the one to offer first), if any."""
    for item in reversed(available(shared)):
        if item.value not in written:
            return item
    return None


# A note is one free text; long enough for a few paragraphs, short enough for one message.
MAX_NOTE = 3000
