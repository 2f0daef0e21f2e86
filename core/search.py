"""Finding a partner on the team map by a typed (part of a) name, the way a person would.

"clb" finds "CLB Gent", "begeleidingsdienst" finds "Pedagogische begeleidingsdienst", a typo
("ouderaad") still finds "Ouderraad". Every spelling the members used (the aliases) counts.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from core.merge import Node
from core.validation import normalise_key

# Below this score a partner is not offered (0-100, rapidfuzz's WRatio).
MIN_SCORE = 70
LIMIT = 6


def _score(query: str, name: str) -> float:
    """How well a typed query fits one spelling: a whole word or the start of the name counts
    most, then rapidfuzz's weighted ratio (partial matches, word order, small typos)."""
    if not query or not name:
        return 0.0
    if name == query:
        return 100.0
    words = name.split()
    if query in words or name.startswith(query):
        return 99.0
    if len(query) >= 3 and any(word.startswith(query) for word in words):
        return 95.0
    return float(fuzz.WRatio(query, name))


def find_partners(query: str, nodes: list[Node], limit: int = LIMIT) -> list[Node]:
    """The partners whose name (or another spelling of it) fits the query, best first; ties go
    to the partner more members named."""
    wanted = normalise_key(query)
    if not wanted:
        return []
    scored: list[tuple[float, int, str, Node]] = []
    for node in nodes:
        names = {normalise_key(node.label), *(normalise_key(a) for a in node.aliases)}
        best = max(_score(wanted, name) for name in names)
        if best >= MIN_SCORE:
            scored.append((best, node.mention_count, node.label.casefold(), node))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [node for *_, node in scored[:limit]]
