"""Edited messages: what a private message created, and how an edit maps onto it.

Telegram lets people edit a sent message. The bot keeps, for every typed message, what it
created (a post-it per line, a piece of an answer); an edit then changes those things instead
of being taken as new input. This module holds the pure parts: the record type, pairing the
lines of a pasted list before and after the edit, and replacing one message's piece of an
answer that several messages built together.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

# How alike two lines must be (difflib's ratio) to count as one name rewritten.
SIMILAR = 0.6


class SourceKind(StrEnum):
    """What a message created or contributed to."""

    POSTIT = "postit"  # a post-it (one per line of a pasted list), or a rename of one
    CONCEPT = "concept"  # a piece of an answer to INTRO.Q1 / INTRO.Q2
    CARD = "card"  # a piece of an answer on a reflection card (step 3)
    CLOSING = "closing"  # a piece of an answer to a closing question (step 4)
    ABSENCE = "absence"  # what is missing, why, or which steps (step 4, CLOSE.Q4)
    REASON = "reason"  # the reason for a priority pick (step 2C)
    MC_ANSWER = "mc_answer"  # a piece of a member-check answer


@dataclass(frozen=True)
class SourcePart:
    """One thing a private message created; a pasted list has one per line.

    `text` is what the message contributed (a post-it's name, a piece of an answer). `created`
    is False for a line that was refused (a double, too long); `postit_id` is None when the
    post-it was deleted since.
    """

    id: int
    user_id: int
    message_id: int
    line: int
    kind: SourceKind
    text: str
    created: bool = True
    member_id: int | None = None
    respondent_id: int | None = None
    postit_id: int | None = None
    absence_id: int | None = None
    session_id: int | None = None
    node_key: str | None = None
    question_id: str | None = None


@dataclass(frozen=True)
class LineChange:
    """How one line of a pasted list changed: old index, new index, or both (a rewrite)."""

    old: int | None
    new: int | None

    @property
    def kind(self) -> str:
        """'added', 'removed' or 'changed'."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


def match_lines(old: list[str], new: list[str]) -> tuple[list[tuple[int, int]], list[LineChange]]:
    """Pair the lines of a list before and after an edit.

    Returns the lines that stayed exactly the same (old index, new index) and the changes.
    Where a block of lines was rewritten, see _pair_block. A line that only moved counts as
    the same.
    """
    same: list[tuple[int, int]] = []
    changes: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        changes += _pair_block(old, new, list(range(i1, i2)), list(range(j1, j2)))
    # A line that only moved (removed here, the same text added there) stayed the same.
    for removed in [c for c in changes if c.new is None]:
        assert removed.old is not None
        match = next(
            (c for c in changes if c.old is None and new[c.new or 0] == old[removed.old]), None
        )
        if match is not None:
            changes.remove(removed)
            changes.remove(match)
            same.append((removed.old, match.new or 0))
    return sorted(same), changes


def similar(a: str, b: str) -> bool:
    """Two lines that look like one name rewritten ("Bib" and "Bibliotheek", a fixed typo)."""
    a, b = a.casefold(), b.casefold()
    return a in b or b in a or difflib.SequenceMatcher(a=a, b=b).ratio() >= SIMILAR


def _pair_block(
    old: list[str], new: list[str], olds: list[int], news: list[int]
) -> list[LineChange]:
    """Changes for a block of old lines rewritten as a block of new ones.

    One line rewritten as one line is that line changed, however different. In a larger block a
    new line is the new version of an old one only when they look alike, in order; the rest
    is removed or added.
    """
    if len(olds) == len(news) == 1:
        return [LineChange(olds[0], news[0])]
    changes: list[LineChange] = []
    free = list(news)
    for o in olds:
        match = next((n for n in free if similar(old[o], new[n])), None)
        if match is None:
            changes.append(LineChange(o, None))
            continue
        changes.append(LineChange(o, match))
        free = [n for n in free if n > match]
    paired = {c.new for c in changes}
    changes += [LineChange(None, n) for n in news if n not in paired]
    return changes


def replace_part(current: str, parts: list[str], index: int, new: str) -> str | None:
    """An answer built from several messages with one message's piece replaced.

    `parts` are the pieces the messages contributed, in order. When they still make up the
    answer exactly, the piece is swapped in place; otherwise (the answer was changed some other
    way) the old piece is replaced where it occurs once. None when it cannot be found safely.
    """
    old = parts[index]
    if "\n".join(parts) == current:
        changed = [*parts[:index], new, *parts[index + 1 :]]
        return "\n".join(changed)
    if current.count(old) == 1:
        return current.replace(old, new)
    return None
