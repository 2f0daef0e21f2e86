"""Comparing two versions of the map: who is new, gone, moved ring or (de)prioritised."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.compare import PeopleChange, Placement, compare, comparison_links, comparison_nodes
from core.merge import Mention, name_key
from core.model import Category, Distance, Kind, Role
from core.render import MapData, layout, render
from core.teammap import build, to_json, to_json_bytes

Item = tuple[str, Category | None, int | None]


def _snapshot(
    items: list[Item],
    picks: Sequence[tuple[Role, str]] = (),
    links: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """A stored map as the bot keeps it: built from post-its, through JSON and back."""
    mentions = [
        Mention(i, i, Role.LERAAR, text, Kind.ORGANISATIE, category,
                Distance(d) if d is not None else None)
        for i, (text, category, d) in enumerate(items)
    ]  # fmt: skip
    team_map = build(
        mentions,
        priorities=[(role, name_key(name), None) for role, name in picks],
        links=[(name_key(a), name_key(b)) for a, b in links],
    )
    data = to_json(team_map, school="De Linde", round_number=1, date="2026-11-22")
    parsed: dict[str, Any] = json.loads(to_json_bytes(data))
    return parsed


OLD = _snapshot(
    [
        ("het CLB", Category.ZORG, 1),
        ("Ouders", Category.ANDERE, 0),
        ("Bibliotheek", Category.AANBOD, 2),
        ("Sportdienst", Category.AANBOD, 3),
        ("CGG", Category.ZORG, 3),
    ],
    picks=[(Role.LERAAR, "CLB"), (Role.DIRECTIE, "CGG")],
)
NEW = _snapshot(
    [
        ("CLB", Category.ZORG, 1),
        ("de ouders", Category.ANDERE, 2),
        ("Bibliotheek", Category.AANBOD, 1),
        ("Stad Gent", Category.BELEID, 2),
        ("CGG", Category.ZORG, 3),
        ("CGG", Category.ZORG, 3),
    ],
    picks=[(Role.ZORG, "Bibliotheek"), (Role.DIRECTIE, "CGG"), (Role.LERAAR, "CGG")],
    links=[("CLB", "CGG")],
)


def test_spelling_variants_are_the_same_partner() -> None:
    """'het CLB' last time and 'CLB' now is one partner, not one dropped and one new."""
    old = _snapshot(
        [("het CLB", Category.ZORG, 1), ("Centrum voor Leerlingenbegeleiding", None, 1)]
    )
    new = _snapshot([("CLB", Category.ZORG, 1)])
    result = compare(old, new)
    assert (result.new, result.dropped, result.kept) == ([], [], 1)
    assert result.unchanged


def test_changes_are_found() -> None:
    """New, dropped, moved and re-prioritised partners, each list sorted by label."""
    result = compare(OLD, NEW)
    assert result.new == ["Stad Gent"]
    assert result.dropped == ["Sportdienst"]
    assert result.moved == [("Bibliotheek", 2, 1), ("Ouders", 0, 2)]
    assert result.priority_gained == ["Bibliotheek"]
    assert result.priority_lost == ["CLB"]
    assert result.priority_changed == [("CGG", 1, 2)]
    assert result.kept == 4
    assert not result.unchanged


def test_unplaced_partners_do_not_count_as_moved() -> None:
    """Only two known distances make a move."""
    old = _snapshot([("Ouders", None, None), ("CLB", None, 2)])
    new = _snapshot([("Ouders", None, 3), ("CLB", None, None)])
    assert compare(old, new).moved == []


def test_identical_maps_have_no_changes() -> None:
    """The same map twice: everything kept, no change lists."""
    result = compare(NEW, NEW)
    assert result.unchanged
    assert result.kept == len(NEW["partners"])
    assert all(node.change is None for node in comparison_nodes(NEW, NEW, result))


def test_comparison_nodes_mark_every_change() -> None:
    """The new map's partners with their change, then the dropped ones without picks."""
    nodes = comparison_nodes(OLD, NEW, compare(OLD, NEW))
    changes = {node.label: node.change for node in nodes}
    assert changes == {
        "CLB": None,
        "CGG": None,
        "Ouders": "further",
        "Bibliotheek": "closer",
        "Stad Gent": "new",
        "Sportdienst": "dropped",
    }
    assert [n.label for n in nodes[: len(NEW["partners"])]] == [p["label"] for p in NEW["partners"]]
    (dropped,) = (n for n in nodes if n.change == "dropped")
    assert dropped.distance is Distance.VERAF and dropped.picks == ()
    (cgg,) = (n for n in nodes if n.label == "CGG")
    assert sorted(cgg.picks) == sorted([Role.DIRECTIE, Role.LERAAR])
    links = comparison_links(NEW)
    assert [{nodes[a].label, nodes[b].label} for a, b in links] == [{"CLB", "CGG"}]


def test_a_comparison_map_renders() -> None:
    """The comparison map is a PNG like any other map."""
    nodes = comparison_nodes(OLD, NEW, compare(OLD, NEW))
    png = render(MapData(nodes=nodes, links=comparison_links(NEW)))
    assert png.startswith(b"\x89PNG")


def test_dropped_and_new_partners_are_both_placed() -> None:
    """A ghost and a newcomer each get a spot and a label that do not overlap."""
    nodes = comparison_nodes(OLD, NEW, compare(OLD, NEW))
    result = layout(MapData(nodes=nodes))
    placed = {p.label: p for p in result.placed}
    ghost, newcomer = placed["Sportdienst"], placed["Stad Gent"]
    for p in (ghost, newcomer):
        assert p.label_box is not None
        assert (p.x, p.y) != (0.0, 0.0) and p.radius > 0
    assert ghost.label_box is not None and newcomer.label_box is not None
    assert not ghost.label_box.overlaps(newcomer.label_box)


NAMES = st.sampled_from(
    ["CLB", "het CLB", "ouders", "Ouders", "ouderraad", "CGG", "basisschool 1", "basisschool 2",
     "Bibliotheek", "Stad Gent", "Centrum voor Leerlingenbegeleiding", "logopedisten"]
)  # fmt: skip
ITEMS = st.lists(
    st.tuples(NAMES, st.sampled_from([*Category, None]), st.sampled_from([0, 1, 2, 3, 4, None])),
    max_size=15,
)


@settings(max_examples=40, deadline=None)
@given(ITEMS, st.lists(st.tuples(st.sampled_from(list(Role)), NAMES), max_size=6))
def test_a_map_compared_with_itself_has_no_changes(
    items: list[Item], picks: list[tuple[Role, str]]
) -> None:
    """Whatever the map, comparing it with itself keeps every partner and changes nothing."""
    snapshot = _snapshot(items, picks)
    result = compare(snapshot, snapshot)
    assert result.unchanged
    assert result.kept == len(snapshot["partners"])
    nodes = comparison_nodes(snapshot, snapshot, result)
    assert len(nodes) == len(snapshot["partners"])
    assert all(node.change is None for node in nodes)


def test_priorities_are_compared_only_when_both_maps_have_picks() -> None:
    """A map before step 2C has no picks: that is not every priority lost."""
    old = {"partners": [{"label": "CLB", "aliases": [], "distance": 1,
                         "priority_by_roles": {"leraar": 2}}]}  # fmt: skip
    new = {"partners": [{"label": "CLB", "aliases": [], "distance": 2,
                         "priority_by_roles": {}}]}  # fmt: skip
    result = compare(old, new)
    assert result.priority_lost == [] and result.moved == [("CLB", 1, 2)]
    new["partners"].append(
        {"label": "Bib", "aliases": [], "distance": 3, "priority_by_roles": {"directie": 1}}
    )
    assert compare(old, new).priority_lost == ["CLB"]


def _placed(
    rounds: Sequence[Sequence[tuple[int, str, int]]],
) -> tuple[dict[str, Any], dict[str, Any], list[list[Placement]]]:
    """Two rounds of post-its (person, name, distance): both maps and each round's placements."""
    snapshots: list[dict[str, Any]] = []
    places: list[list[Placement]] = []
    for items in rounds:
        mentions = [
            Mention(n, person, Role.LERAAR, name, Kind.ORGANISATIE, Category.ZORG, Distance(d))
            for n, (person, name, d) in enumerate(items)
        ]
        data = to_json(build(mentions), school="De Linde", round_number=1, date="2026-11-22")
        snapshots.append(json.loads(to_json_bytes(data)))
        places.append([Placement(person, name, d) for person, name, d in items])
    return snapshots[0], snapshots[1], places


def test_a_partner_a_reviewer_moved_closer_is_never_reported_further() -> None:
    """Last year three colleagues placed CLB (two close by, one far); this year only the one who
    placed it far takes part and moves it closer. The median moves out (1 -> 2), the person
    moved in (3 -> 2): the comparison follows the person."""
    old, new, (before, after) = _placed(
        [[(1, "CLB", 1), (2, "CLB", 1), (3, "het CLB", 3)], [(3, "CLB", 2)]]
    )
    assert compare(old, new).moved == [("CLB", 1, 2)]  # what the medians say: further
    result = compare(old, new, before, after)
    assert result.moved == [("CLB", 3, 2)]
    (clb,) = comparison_nodes(old, new, result)
    assert clb.change == "closer"
    assert result.people == PeopleChange(left=2, joined=0, both=1)


def test_a_median_that_moves_only_because_people_changed_is_no_move() -> None:
    """Nobody who took part twice moved the partner: different people, not a move."""
    old, new, (before, after) = _placed([[(1, "CLB", 1), (2, "Ouders", 0)], [(3, "CLB", 3)]])
    result = compare(old, new, before, after)
    assert result.moved == [] and result.split == []
    assert result.people == PeopleChange(left=2, joined=1, both=0)
    assert all(node.change in (None, "dropped") for node in comparison_nodes(old, new, result))


def test_colleagues_who_move_a_partner_both_ways_are_reported_as_split() -> None:
    """One colleague moves the library closer, another further: neither direction is reported."""
    old, new, (before, after) = _placed(
        [
            [(1, "Bibliotheek", 2), (2, "Bibliotheek", 2)],
            [(1, "Bibliotheek", 1), (2, "de bibliotheek", 3)],
        ]
    )
    result = compare(old, new, before, after)
    assert result.moved == [] and result.split == ["Bibliotheek"]
    assert result.people == PeopleChange(left=0, joined=0, both=2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.sampled_from(["CLB", "Ouders", "CGG"]),
                  st.integers(0, 4), st.integers(0, 4)),
        max_size=10,
    ),
    st.lists(st.tuples(st.integers(5, 7), st.sampled_from(["CLB", "Ouders"]),
                       st.integers(0, 4)), max_size=4),
)  # fmt: skip
def test_every_reported_move_is_what_the_people_did(
    reviewers: list[tuple[int, str, int, int]], newcomers: list[tuple[int, str, int]]
) -> None:
    """Whatever the rounds: a partner reported closer was moved closer by someone and further by
    nobody (and the other way round)."""
    first = {(p, n): d for p, n, d, _ in reviewers}
    second = {(p, n): d for p, n, _, d in reviewers}
    old, new, (before, after) = _placed(
        [[(p, n, d) for (p, n), d in first.items()],
         [*((p, n, d) for (p, n), d in second.items()), *newcomers]]
    )  # fmt: skip
    result = compare(old, new, before, after)
    for label, was, now in result.moved:
        deltas = [second[k] - first[k] for k in first if k[1] == label]
        if now < was:
            assert min(deltas) < 0 and max(deltas) <= 0
        else:
            assert max(deltas) > 0 and min(deltas) >= 0
