"""The second look's rules: which partners are put to the team, and where the team puts them."""

from __future__ import annotations

import pytest

from core.look import CATEGORY, DISTANCE, Placement, disputed, tally, team_value
from core.merge import Mention, merge
from core.model import Category, Distance


def _placement(field: str, before: str, options: str = "") -> Placement:
    return Placement(1, 1, "k", "Partner", field, before, options)


@pytest.mark.parametrize(
    ("before", "votes", "after"),
    [
        ("3", ["closer", "closer", "keep"], "2"),  # the majority moves it a ring closer
        ("1", ["further", "further", "closer"], "2"),
        ("2", ["closer", "further"], "2"),  # a tie keeps it where it was
        ("2", ["closer", "keep"], "2"),
        ("2", [], "2"),  # nobody answered
        ("0", ["closer", "closer"], "0"),  # not on the scale: ignored
        ("4", ["further"], "4"),
    ],
)
def test_a_disputed_distance_follows_the_majority_and_a_tie_keeps_it(
    before: str, votes: list[str], after: str
) -> None:
    """Closer, as it is or further: the answer most members gave wins; a tie keeps it."""
    assert team_value(_placement(DISTANCE, before), votes) == after


def test_a_tied_category_follows_the_majority_and_a_tie_keeps_the_maps_choice() -> None:
    """Only the tied categories count; an even split keeps the category the map showed."""
    placement = _placement(CATEGORY, "zorg", "zorg,aanbod")
    assert team_value(placement, ["aanbod", "aanbod", "zorg"]) == "aanbod"
    assert team_value(placement, ["aanbod", "zorg"]) == "zorg"
    assert team_value(placement, ["beleid", "beleid", "zorg"]) == "zorg"
    assert tally(placement, ["aanbod", "aanbod", "zorg"]) == [("zorg", 1), ("aanbod", 2)]


def test_the_choices_stay_on_the_scale() -> None:
    """'In de school' cannot move closer, 'afwezig' cannot move further."""
    assert _placement(DISTANCE, "0").choices == ("keep", "further")
    assert _placement(DISTANCE, "4").choices == ("closer", "keep")
    assert _placement(DISTANCE, "2").choices == ("closer", "keep", "further")


def test_a_spread_of_two_rings_and_a_category_tie_are_put_to_the_team() -> None:
    """Placements two rings apart or more, and an even split on the category, are questions;
    one ring apart is not."""
    mentions = [
        Mention(1, 1, None, "Sportclub", category=Category.AANBOD, distance=Distance.DICHTBIJ),
        Mention(2, 2, None, "Sportclub", category=Category.AANBOD, distance=Distance.VERAF),
        Mention(3, 1, None, "Ouders", category=Category.ZORG, distance=Distance.DICHTBIJ),
        Mention(4, 2, None, "Ouders", category=Category.AANBOD, distance=Distance.TUSSENIN),
    ]
    questions = [(node.label, field, before, options)
                 for node, field, before, options in disputed(merge(mentions).nodes)]  # fmt: skip
    assert sorted(questions) == [
        ("Ouders", CATEGORY, "zorg", "zorg,aanbod"),
        ("Sportclub", DISTANCE, "1", ""),
    ]
