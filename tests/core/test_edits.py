"""Pairing the lines of an edited list, and replacing one message's piece of an answer."""

from __future__ import annotations

import pytest

from core.edits import LineChange, match_lines, replace_part


@pytest.mark.parametrize(
    ("old", "new", "same", "changes"),
    [
        # One line rewritten is that line changed, however different.
        (["CLB"], ["OCMW"], [], [LineChange(0, 0)]),
        (["CLB Gnet"], ["CLB Gent"], [], [LineChange(0, 0)]),
        # Lines added at the end, and a line removed in the middle.
        (["A", "B"], ["A", "B", "C"], [(0, 0), (1, 1)], [LineChange(None, 2)]),
        (["A", "B", "C"], ["A", "C"], [(0, 0), (2, 1)], [LineChange(1, None)]),
        # Only moved: nothing changes.
        (["A", "B"], ["B", "A"], [(0, 1), (1, 0)], []),
        # In a rewritten block, only look-alikes pair up; the rest is removed or added.
        (
            ["CLB", "Ouders", "Bib", "Sporthal"],
            ["CLB Gent", "Bibliotheek", "Sporthal", "Muziekschool"],
            [(3, 2)],
            [LineChange(0, 0), LineChange(1, None), LineChange(2, 1), LineChange(None, 3)],
        ),
    ],
)
def test_lines_are_paired(
    old: list[str], new: list[str], same: list[tuple[int, int]], changes: list[LineChange]
) -> None:
    """What a member would call 'the same line, corrected' is paired; nothing else is."""
    found_same, found_changes = match_lines(old, new)
    assert found_same == same
    assert sorted(found_changes, key=repr) == sorted(changes, key=repr)


def test_one_piece_of_an_answer_is_replaced_in_place() -> None:
    """The other messages' pieces stay where they were."""
    assert replace_part("a\nb\nc", ["a", "b", "c"], 1, "B") == "a\nB\nc"


def test_a_piece_is_found_once_even_when_the_answer_changed_otherwise() -> None:
    """A piece found exactly once is replaced; an ambiguous one is left alone."""
    assert replace_part("intro\nb", ["b"], 0, "B") == "intro\nB"
    assert replace_part("b\nb", ["b"], 0, "B") is None
