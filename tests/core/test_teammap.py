"""The team map's merge cache: computed once per change of the post-its or decisions."""

from __future__ import annotations

from core.merge import Mention, name_key
from core.model import Category, Role
from core.teammap import MergeCache, build


def _mentions(*names: str) -> list[Mention]:
    return [Mention(i, i, Role.LERAAR, name) for i, name in enumerate(names)]


def test_the_same_input_is_merged_once() -> None:
    """A second map of the same round with the same post-its and decisions reuses the merge."""
    cache = MergeCache()
    mentions = _mentions("CLB", "clb", "Ouders")
    first = build(mentions, cache=cache, scope=1)
    again = build(list(mentions), cache=cache, scope=1)
    assert cache.computed == 1
    assert [n.label for n in again.nodes] == [n.label for n in first.nodes] == ["CLB", "Ouders"]


def test_a_changed_post_it_or_decision_merges_again() -> None:
    """A renamed post-it, a new one, a merge or keep-apart decision: the cache is not used."""
    cache = MergeCache()
    build(_mentions("CLB", "CLB Gent"), cache=cache, scope=1)
    renamed = build(_mentions("CLB", "Ouders"), cache=cache, scope=1)
    assert cache.computed == 2 and [n.label for n in renamed.nodes] == ["CLB", "Ouders"]
    joined = [(name_key("CLB"), name_key("Ouders"))]
    merged = build(_mentions("CLB", "Ouders"), joined=joined, cache=cache, scope=1)
    assert cache.computed == 3 and len(merged.nodes) == 1
    build(_mentions("CLB", "Ouders"), apart=joined, cache=cache, scope=1)
    assert cache.computed == 4
    other_round = build(_mentions("CLB", "Ouders"), apart=joined, cache=cache, scope=2)
    assert cache.computed == 5 and len(other_round.nodes) == 2


def test_the_principal_values_never_change_the_cached_merge() -> None:
    """An override renames the node of one map, not the node the next map starts from."""
    cache = MergeCache()
    mentions = _mentions("CLB", "Ouders")
    key = name_key("CLB")
    renamed = build(mentions, overrides=[(key, "label", "CLB Gent"),
                                         (key, "category", Category.ZORG.value)],
                    cache=cache, scope=1)  # fmt: skip
    assert renamed.nodes[0].label == "CLB Gent"
    plain = build(mentions, cache=cache, scope=1)
    assert cache.computed == 1
    assert plain.nodes[0].label == "CLB" and plain.nodes[0].category is None


def test_the_cache_keeps_a_bounded_number_of_rounds() -> None:
    """The least recently used round leaves first."""
    cache = MergeCache(rounds=2)
    for scope in (1, 2, 1, 3):
        build(_mentions("CLB"), cache=cache, scope=scope)
    assert cache.computed == 3
    build(_mentions("CLB"), cache=cache, scope=1)
    assert cache.computed == 3
    build(_mentions("CLB"), cache=cache, scope=2)
    assert cache.computed == 4


def test_keys_stored_before_the_update_still_find_their_partner() -> None:
    """A round running when the bot was updated: its merge decision, priority pick, link and
    renamed label were stored under the earlier keys ('scholen' -> 'school', 'bibliotheek'),
    and still apply to the same partners."""
    from core.merge import legacy_name_key

    mentions = _mentions("Scholen De Brug", "Bibliotheek", "Huisartsen", "Sportclub")
    old = {name: legacy_name_key(name) for name in ("Scholen De Brug", "Bibliotheek",
                                                    "Huisartsen", "Sportclub")}  # fmt: skip
    assert old["Scholen De Brug"] != name_key("Scholen De Brug")
    assert old["Bibliotheek"] != name_key("Bibliotheek")
    team_map = build(
        mentions,
        joined=[(old["Huisartsen"], old["Sportclub"])],
        priorities=[(Role.ZORG, old["Scholen De Brug"], "Buren.")],
        links=[(old["Bibliotheek"], old["Scholen De Brug"])],
        overrides=[(old["Bibliotheek"], "label", "Bib Zuid")],
    )
    labels = [node.label for node in team_map.nodes]
    assert len(team_map.nodes) == 3 and "Bib Zuid" in labels
    school = labels.index("Scholen De Brug")
    assert team_map.picks[school] == [Role.ZORG]
    assert team_map.links == [tuple(sorted((school, labels.index("Bib Zuid"))))]
    assert team_map.index_of(old["Sportclub"]) == team_map.index_of(name_key("Huisartsen"))
