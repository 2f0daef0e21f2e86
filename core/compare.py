"""Compare two versions of a team map (no Telegram): new, dropped, moved, re-prioritised partners.

Both versions are plain dicts in the shape `core.teammap.to_json` produces (e.g. a stored
snapshot of the previous round and the current map). A partner of one version matches a partner
of the other when any of their spellings (label or aliases) gives the same name key
(`core.merge.name_key`), so "het CLB" meets "CLB" and "Centrum voor Leerlingenbegeleiding".

Moves follow people, not medians: given each round's placements (who put which name where),
a partner counts as moved only when people who placed it in both rounds moved it, and only in
the direction all of them moved it (both ways: `split`). A team median can move the other way
when other people take part (three placed CLB close, one far; next year only the one who placed
it far takes part and moves it a ring closer: the median goes out, the person went in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .merge import name_key
from .model import Category, Distance, Role
from .render import CHANGE_CLOSER, CHANGE_DROPPED, CHANGE_FURTHER, CHANGE_NEW, MapNode


@dataclass(frozen=True)
class Placement:
    """One person's placement of a partner in one round; `person` is any id that stays the
    same for a person across rounds (never shown), `name` what they wrote."""

    person: int
    name: str
    distance: int | None


@dataclass(frozen=True)
class PeopleChange:
    """Who took part: only in the old round, only in the new one, in both."""

    left: int
    joined: int
    both: int

    @property
    def same(self) -> bool:
        """True when the same people took part both times."""
        return self.left == 0 and self.joined == 0


@dataclass(frozen=True)
class Comparison:
    """What changed from the old map to the new one; every list is sorted by label.

    `pairs` holds the matched partners as (index in old "partners", index in new "partners");
    `changes` the new index of every moved partner with CHANGE_CLOSER or CHANGE_FURTHER.
    With placements, `moved` gives the rings of the people who moved it (before → after),
    `split` the partners some moved closer and others further, `people` who took part.
    """

    new: list[str]
    dropped: list[str]
    moved: list[tuple[str, int, int]]
    priority_gained: list[str]
    priority_lost: list[str]
    priority_changed: list[tuple[str, int, int]]
    kept: int
    pairs: tuple[tuple[int, int], ...] = ()
    changes: tuple[tuple[int, str], ...] = ()
    split: list[str] = field(default_factory=list)
    people: PeopleChange | None = None

    @property
    def unchanged(self) -> bool:
        """True when nothing was added, dropped, moved or re-prioritised."""
        return not (
            self.new
            or self.dropped
            or self.moved
            or self.priority_gained
            or self.priority_lost
            or self.priority_changed
            or self.split
        )


def _partners(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(snapshot.get("partners") or [])


def _label(partner: Mapping[str, Any]) -> str:
    return str(partner.get("label") or "")


def _keys(partner: Mapping[str, Any]) -> frozenset[str]:
    names = [_label(partner), *(str(a) for a in partner.get("aliases") or [])]
    return frozenset(key for key in (name_key(name) for name in names if name.strip()) if key)


def _distance(partner: Mapping[str, Any]) -> int | None:
    value = partner.get("distance")
    return int(value) if value is not None else None


def _priority_total(partner: Mapping[str, Any]) -> int:
    return sum(int(n) for n in (partner.get("priority_by_roles") or {}).values())


def _by_label(label: str) -> tuple[str, str]:
    return label.casefold(), label


def match_partners(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of partners that share a name key; each used at most once.

    The strongest matches go first: same label key, then the most spellings in common.
    """
    old_keys = [_keys(p) for p in old]
    new_keys = [_keys(p) for p in new]
    old_label = [name_key(_label(p)) for p in old]
    new_label = [name_key(_label(p)) for p in new]
    by_key: dict[str, list[int]] = {}
    for i, keys in enumerate(old_keys):
        for key in keys:
            by_key.setdefault(key, []).append(i)
    candidates: list[tuple[int, int, int, int]] = []
    for j, keys in enumerate(new_keys):
        for i in sorted({i for key in keys for i in by_key.get(key, ())}):
            same_label = int(bool(old_label[i]) and old_label[i] == new_label[j])
            candidates.append((-same_label, -len(old_keys[i] & keys), j, i))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, j, i in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    pairs.sort(key=lambda pair: pair[1])
    return pairs


def has_priorities(snapshot: Mapping[str, Any]) -> bool:
    """True when anyone picked a priority partner on this map (step 2C took place)."""
    return any(_priority_total(p) > 0 for p in _partners(snapshot))


def _low_median(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def _placed_by(partner: Mapping[str, Any], places: Iterable[Placement]) -> dict[int, int]:
    """Each person's placement of this partner (the closest, if they named it twice)."""
    keys = _keys(partner)
    out: dict[int, int] = {}
    for place in places:
        if place.distance is not None and name_key(place.name) in keys:
            out[place.person] = min(place.distance, out.get(place.person, place.distance))
    return out


def _followed(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    old_places: Sequence[Placement],
    new_places: Sequence[Placement],
) -> tuple[str, int, int] | str | None:
    """How the people who placed this partner in both rounds moved it: (label, old, new) with
    the rings of those who moved it, "split" when they moved it both ways, None when nobody
    moved it."""
    was, now = _placed_by(before, old_places), _placed_by(after, new_places)
    movers = [(was[p], now[p]) for p in was.keys() & now.keys() if was[p] != now[p]]
    if not movers:
        return None
    if any(b < a for a, b in movers) and any(b > a for a, b in movers):
        return "split"
    # Every mover went the same way, so the medians of their rings differ the same way.
    return (_label(after), _low_median([a for a, _ in movers]), _low_median([b for _, b in movers]))


def _people(old_places: Sequence[Placement], new_places: Sequence[Placement]) -> PeopleChange:
    was = {p.person for p in old_places}
    now = {p.person for p in new_places}
    return PeopleChange(left=len(was - now), joined=len(now - was), both=len(was & now))


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_places: Sequence[Placement] | None = None,
    new_places: Sequence[Placement] | None = None,
) -> Comparison:
    """What changed from the `old` map to the `new` one (both as `to_json` dicts).

    With both rounds' placements, moves follow the people who took part both times (see the
    module's docstring); without them (two versions of one round), the maps' distances.
    Priorities are compared only when both maps have picks: a round that has not (yet) had
    step 2C did not "lose" its priorities.
    """
    old_partners, new_partners = _partners(old), _partners(new)
    following = old_places is not None and new_places is not None
    with_priorities = has_priorities(old) and has_priorities(new)
    pairs = match_partners(old_partners, new_partners)
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    moved: list[tuple[str, int, int]] = []
    split: list[str] = []
    changes: list[tuple[int, str]] = []
    gained: list[str] = []
    lost: list[str] = []
    changed: list[tuple[str, int, int]] = []
    for i, j in pairs:
        before, after = old_partners[i], new_partners[j]
        label = _label(after)
        move: tuple[str, int, int] | str | None = None
        if following:
            assert old_places is not None and new_places is not None
            move = _followed(before, after, old_places, new_places)
        else:
            d_old, d_new = _distance(before), _distance(after)
            if d_old is not None and d_new is not None and d_old != d_new:
                move = (label, d_old, d_new)
        if move == "split":
            split.append(label)
        elif isinstance(move, tuple):
            moved.append(move)
            changes.append((j, CHANGE_CLOSER if move[2] < move[1] else CHANGE_FURTHER))
        p_old, p_new = _priority_total(before), _priority_total(after)
        if not with_priorities:
            continue
        if p_old == 0 and p_new > 0:
            gained.append(label)
        elif p_old > 0 and p_new == 0:
            lost.append(label)
        elif p_old != p_new:
            changed.append((label, p_old, p_new))
    return Comparison(
        new=sorted(
            (_label(p) for j, p in enumerate(new_partners) if j not in matched_new), key=_by_label
        ),
        dropped=sorted(
            (_label(p) for i, p in enumerate(old_partners) if i not in matched_old), key=_by_label
        ),
        moved=sorted(moved, key=lambda item: (*_by_label(item[0]), item[1:])),
        priority_gained=sorted(gained, key=_by_label),
        priority_lost=sorted(lost, key=_by_label),
        priority_changed=sorted(changed, key=lambda item: (*_by_label(item[0]), item[1:])),
        kept=len(pairs),
        pairs=tuple(pairs),
        changes=tuple(sorted(changes)),
        split=sorted(split, key=_by_label),
        people=_people(old_places or [], new_places or []) if following else None,
    )


def _category(partner: Mapping[str, Any]) -> Category | None:
    value = partner.get("category")
    try:
        return Category(value) if value else None
    except ValueError:
        return Category.ANDERE


def _picks(partner: Mapping[str, Any]) -> tuple[Role, ...]:
    counts = partner.get("priority_by_roles") or {}
    known = {role.value: role for role in Role}
    picks: list[Role] = []
    for value, count in counts.items():
        picks += [known.get(str(value), Role.ANDERE)] * int(count)
    return tuple(sorted(picks, key=list(Role).index))


def _node(partner: Mapping[str, Any], change: str | None, *, picks: bool = True) -> MapNode:
    distance = _distance(partner)
    return MapNode(
        label=_label(partner),
        category=_category(partner),
        distance=Distance(distance) if distance is not None and 0 <= distance <= 4 else None,
        mentions=int(partner.get("mentions") or 1),
        disputed=bool(partner.get("disputed")),
        picks=_picks(partner) if picks else (),
        change=change,
    )


def comparison_nodes(
    old: Mapping[str, Any], new: Mapping[str, Any], cmp: Comparison
) -> list[MapNode]:
    """The nodes of a comparison map: the new map's partners, then the dropped ones.

    `cmp` is `compare(old, new)`. New partners keep their order, so link indexes of the new map
    (see `comparison_links`) stay valid. A dropped partner is drawn at its old place without
    priority marks. Moved partners are "closer" or "further" as `cmp` found them.
    """
    old_partners, new_partners = _partners(old), _partners(new)
    old_of = {j: i for i, j in cmp.pairs}
    moved = dict(cmp.changes)
    nodes: list[MapNode] = []
    for j, partner in enumerate(new_partners):
        change: str | None = CHANGE_NEW
        if j in old_of:
            change = moved.get(j)
        nodes.append(_node(partner, change))
    matched_old = set(old_of.values())
    nodes += [
        _node(partner, CHANGE_DROPPED, picks=False)
        for i, partner in enumerate(old_partners)
        if i not in matched_old
    ]
    return nodes


def comparison_links(new: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The new map's links as node index pairs of `comparison_nodes` (links are by label)."""
    index: dict[str, int] = {}
    for j, partner in enumerate(_partners(new)):
        index.setdefault(_label(partner), j)
    links: list[tuple[int, int]] = []
    for pair in new.get("links") or []:
        if len(pair) == 2 and pair[0] in index and pair[1] in index:
            links.append((index[pair[0]], index[pair[1]]))
    return links
