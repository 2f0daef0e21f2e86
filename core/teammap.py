"""The team's map as data: merged nodes, priority picks, links, and its exports (no Telegram).

Everything here is derived from stored facts (post-its, the principal's merge decisions,
priority picks and links by name key), so the same facts always give the same map.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from .merge import Mention, MergeResult, Node, legacy_name_key, merge, name_key
from .model import Category, Distance, Role


@dataclass
class TeamMap:
    """Nodes with their picks and links, plus the open merge suggestions."""

    nodes: list[Node]
    suggestions: list[tuple[int, int]]
    picks: list[list[Role]] = field(default_factory=list)
    reasons: list[list[str]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    members_by_role: Counter[Role] = field(default_factory=Counter)
    # A key stored before issue 14 -> today's key of the same name (see `build`).
    legacy: dict[str, str] = field(default_factory=dict)

    def index_of(self, key: str) -> int | None:
        """The node a name key belongs to (any spelling of the partner, also a key stored by
        the bot before issue 14)."""
        for wanted in (key, self.legacy.get(key)):
            for index, node in enumerate(self.nodes):
                if wanted in node.keys:
                    return index
        return None


class MergeCache:
    """The merge of each round, computed once per change: kept until the round's post-its (with
    their writers' roles) or the principal's merge decisions change, which the merge's own input
    shows, so no change can be missed. At most `rounds` rounds are kept, the least used leave."""

    def __init__(self, rounds: int = 64) -> None:
        self.rounds = rounds
        self.computed = 0
        self._kept: OrderedDict[object, tuple[tuple[Any, ...], MergeResult]] = OrderedDict()

    def clear(self) -> None:
        """Forget every kept merge (what a new process starts with)."""
        self._kept.clear()

    def merge(
        self,
        scope: object,
        mentions: Sequence[Mention],
        *,
        joined: Sequence[tuple[str, str]],
        apart: Sequence[tuple[str, str]],
    ) -> MergeResult:
        """The merge for this round (`scope`), from the cache when its input did not change."""
        fingerprint = (tuple(mentions), tuple(joined), tuple(apart))
        kept = self._kept.get(scope)
        if kept is not None and kept[0] == fingerprint:
            self._kept.move_to_end(scope)
            return kept[1]
        result = merge(mentions, kept_apart=apart, joined=joined)
        self.computed += 1
        self._kept[scope] = (fingerprint, result)
        self._kept.move_to_end(scope)
        while len(self._kept) > self.rounds:
            self._kept.popitem(last=False)
        return result


def build(
    mentions: Sequence[Mention],
    *,
    joined: Sequence[tuple[str, str]] = (),
    apart: Sequence[tuple[str, str]] = (),
    priorities: Iterable[tuple[Role | None, str, str | None]] = (),
    links: Iterable[tuple[str, str]] = (),
    members: Iterable[Role | None] = (),
    overrides: Iterable[tuple[str, str, str]] = (),
    cache: MergeCache | None = None,
    scope: object = None,
) -> TeamMap:
    """Merge the post-its (through `cache` for round `scope`, when given), apply the principal's
    own values, attach picks and links. Keys stored before issue 14 (a round that was running
    when the bot was updated) are read as today's key of the same post-it."""
    legacy = _legacy_keys(mentions)
    if legacy:
        joined = [(legacy.get(a, a), legacy.get(b, b)) for a, b in joined]
        apart = [(legacy.get(a, a), legacy.get(b, b)) for a, b in apart]
    if cache is not None:
        result = cache.merge(scope, mentions, joined=joined, apart=apart)
    else:
        result = merge(mentions, kept_apart=apart, joined=joined)
    # The principal's values change nodes and the member check adds some: never the cached ones.
    team_map = TeamMap([copy.copy(node) for node in result.nodes], list(result.suggestions))
    team_map.legacy = legacy
    for key, field_name, value in overrides:
        index = team_map.index_of(key)
        if index is not None:
            apply_override(team_map.nodes[index], field_name, value)
    team_map.picks = [[] for _ in result.nodes]
    team_map.reasons = [[] for _ in result.nodes]
    for role, key, reason in priorities:
        index = team_map.index_of(key)
        if index is None:
            continue
        team_map.picks[index].append(role or Role.ANDERE)
        if reason:
            team_map.reasons[index].append(reason)
    seen: set[tuple[int, int]] = set()
    for key_a, key_b in links:
        a, b = team_map.index_of(key_a), team_map.index_of(key_b)
        if a is None or b is None or a == b:
            continue
        pair = (min(a, b), max(a, b))
        if pair not in seen:
            seen.add(pair)
            team_map.links.append(pair)
    team_map.links.sort()
    team_map.members_by_role = Counter(role or Role.ANDERE for role in members)
    return team_map


def _legacy_keys(mentions: Sequence[Mention]) -> dict[str, str]:
    """Old key -> today's key, for the post-its whose key changed (and whose old key is not
    today's key of another post-it)."""
    today = {m.text: name_key(m.text) for m in mentions}
    current = set(today.values())
    legacy: dict[str, str] = {}
    for text, key in today.items():
        old = legacy_name_key(text)
        if old != key and old not in current:
            legacy.setdefault(old, key)
    return legacy


def add_partner(
    team_map: TeamMap, label: str, *, category: Category | None, distance: Distance | None
) -> bool:
    """Add a partner nobody in the round named (the member check's "optimalisering", MC.3).

    It is drawn like any partner, with no mentions; False when the map already has it.
    """
    key = name_key(label)
    if team_map.index_of(key) is not None:
        return False
    team_map.nodes.append(
        Node(label=label, mentions=[], key=key, category=category, distance=distance,
             keys=frozenset({key}))
    )  # fmt: skip
    team_map.picks.append([])
    team_map.reasons.append([])
    return True


def apply_override(node: Node, field_name: str, value: str) -> None:
    """Set what the principal decided; a decided category is no longer a tie."""
    if field_name == "label":
        node.label = value
    elif field_name == "category":
        node.category = Category(value)
        node.category_tie = ()
    elif field_name == "distance":
        # Disputed stays true: members' placements did differ, which is worth discussing.
        node.distance = Distance(int(value))


# -- exports (no member names anywhere) -------------------------------------------------------


def to_json(team_map: TeamMap, *, school: str, round_number: int, date: str) -> dict[str, Any]:
    """The whole map as plain data: partners, links, open suggestions, members per role."""
    nodes = team_map.nodes
    return {
        "school": school,
        "round": round_number,
        "date": date,
        "partners": [
            {
                "label": node.label,
                "aliases": node.aliases,
                "kind": node.kind.value if node.kind else None,
                "category": node.category.value if node.category else None,
                "category_tie": [c.value for c in node.category_tie],
                "distance": int(node.distance) if node.distance is not None else None,
                "disputed": node.disputed,
                "mentions": node.mention_count,
                "named_by_roles": _role_counts(node.roles),
                "priority_by_roles": _role_counts(Counter(team_map.picks[i])),
                "priority_reasons": team_map.reasons[i],
            }
            for i, node in enumerate(nodes)
        ],
        "links": [[nodes[a].label, nodes[b].label] for a, b in team_map.links],
        "merge_suggestions": [[nodes[a].label, nodes[b].label] for a, b in team_map.suggestions],
        "members_by_role": _role_counts(team_map.members_by_role),
    }


def _role_counts(counts: Counter[Role]) -> dict[str, int]:
    return {role.value: counts[role] for role in Role if counts.get(role)}


def to_json_bytes(data: dict[str, Any]) -> bytes:
    """Stable, readable JSON (sorted keys, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def nodes_csv(team_map: TeamMap) -> bytes:
    """Nodes for Gephi/Kumu: Id, Label, kind, category, distance, disputed, mentions, priorities."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Id", "Label", "Kind", "Category", "Distance", "Disputed", "Mentions", "Priorities"]
    )
    for i, node in enumerate(team_map.nodes):
        writer.writerow(
            [
                i + 1,
                node.label,
                node.kind.value if node.kind else "",
                node.category.value if node.category else "",
                int(node.distance) if node.distance is not None else "",
                int(node.disputed),
                node.mention_count,
                len(team_map.picks[i]),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def links_csv(team_map: TeamMap) -> bytes:
    """Edges for Gephi/Kumu: Source, Target, Type."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Source", "Target", "Type"])
    for a, b in team_map.links:
        writer.writerow([a + 1, b + 1, "Undirected"])
    return buffer.getvalue().encode("utf-8")


def graphml(team_map: TeamMap, school: str) -> bytes:
    """The map as GraphML, with the school as the centre node."""
    keys = [("label", "string"), ("category", "string"), ("distance", "int"),
            ("mentions", "int"), ("priorities", "int")]  # fmt: skip
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        *(f'  <key id="{k}" for="node" attr.name="{k}" attr.type="{t}"/>' for k, t in keys),
        '  <graph id="netwerkkaart" edgedefault="undirected">',
        f'    <node id="school"><data key="label">{escape(school)}</data></node>',
    ]
    for i, node in enumerate(team_map.nodes):
        data = [f'<data key="label">{escape(node.label)}</data>']
        if node.category:
            data.append(f'<data key="category">{node.category.value}</data>')
        if node.distance is not None:
            data.append(f'<data key="distance">{int(node.distance)}</data>')
        data.append(f'<data key="mentions">{node.mention_count}</data>')
        data.append(f'<data key="priorities">{len(team_map.picks[i])}</data>')
        lines.append(f'    <node id="n{i + 1}">{"".join(data)}</node>')
    for i, _ in enumerate(team_map.nodes):
        lines.append(f'    <edge source="school" target="n{i + 1}"/>')
    for a, b in team_map.links:
        lines.append(f'    <edge source="n{a + 1}" target="n{b + 1}"/>')
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines).encode("utf-8")
