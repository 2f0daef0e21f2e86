"""Button labels for partner names: short enough for a phone, never two alike on one screen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogs.base import MAX_LABEL, distinct_labels, short_label

STAGE = "stageplaatsen (bedrijven, organisaties, zorginstellingen)"
STAGE_TOO = "stageplaatsen (bedrijven, organisaties, scholen en kinderopvang in de buurt)"


def test_short_names_stay_as_they_are() -> None:
    """Nothing to tell apart: the names themselves."""
    assert distinct_labels(["CLB", "Ouders"]) == ["CLB", "Ouders"]
    assert distinct_labels([STAGE]) == [short_label(STAGE)]


def test_long_names_that_begin_alike_are_cut_in_the_middle() -> None:
    """Their ends tell them apart."""
    first, second = distinct_labels([STAGE, STAGE_TOO, "CLB"])[:2]
    assert first != second
    assert first.startswith("stageplaatsen (bedr") and first.endswith("zorginstellingen)")
    assert second.endswith("in de buurt)")
    assert max(len(first), len(second)) <= MAX_LABEL


def test_names_written_the_same_are_numbered() -> None:
    """Two partners the principal kept apart under one label, or names alike at both ends."""
    assert distinct_labels(["CLB", "CLB", "Ouders"]) == ["CLB (1)", "CLB (2)", "Ouders"]
    long = "x" * 30 + " midden een " + "y" * 30
    other = "x" * 30 + " midden twee " + "y" * 30
    labels = distinct_labels([long, other])
    assert len(set(labels)) == 2 and all(len(label) <= MAX_LABEL for label in labels)
    assert distinct_labels(["CLB (1)", "CLB", "CLB"]) == ["CLB (1)", "CLB (2)", "CLB (3)"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=10, unique=True),
       st.integers(12, 60))  # fmt: skip
def test_labels_always_fit_and_differ(names: list[str], limit: int) -> None:
    """Whatever the names (up to the bot's 80 characters), every label fits and all differ."""
    labels = distinct_labels(names, limit)
    assert len(set(labels)) == len(labels) == len(names)
    assert all(len(label) <= limit for label in labels)
