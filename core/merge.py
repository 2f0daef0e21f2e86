"""Merge the members' private post-its into the nodes of one team map (PROTOCOL.md step 2B).

Names that clearly mean the same partner are merged automatically: case, spacing, punctuation,
accents, leading articles, singular/plural, a small typo in a long name, and a known abbreviation
next to its full form. Names that are only similar become suggestions for the principal.
Distinct partners are never merged automatically: names whose numbers differ, short names
(abbreviations) that differ, and names that share only part of their words stay apart.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from statistics import median_low
from typing import Any, TypeVar

from rapidfuzz import fuzz

from .model import Category, Distance, Kind, Role

T = TypeVar("T")

ARTICLES = frozenset({"de", "het", "t", "den", "een", "der"})
# A typo is only trusted in a long name: in "CLB"/"CLW" one letter is a different partner.
AUTO_MIN_LENGTH = 10
AUTO_RATIO = 92.0
WRITTEN_TOGETHER_RATIO = 96.0
SUGGEST_RATIO = 85.0
SUGGEST_MIN_LENGTH = 5


@dataclass(frozen=True)
class Mention:
    """One post-it as the merge sees it: who wrote what, with their own placement."""

    postit_id: int
    member_id: int
    role: Role | None
    text: str
    kind: Kind | None = None
    category: Category | None = None
    distance: Distance | None = None


@dataclass
class Node:
    """One partner on the team map, with everything the members said about it."""

    label: str
    mentions: list[Mention]
    key: str
    kind: Kind | None = None
    category: Category | None = None
    category_tie: tuple[Category, ...] = ()
    distance: Distance | None = None
    disputed: bool = False
    aliases: list[str] = field(default_factory=list)
    keys: frozenset[str] = frozenset()

    @property
    def member_ids(self) -> set[int]:
        """The members who named this partner."""
        return {m.member_id for m in self.mentions}

    @property
    def mention_count(self) -> int:
        """How many members named it (over-representation shows here)."""
        return len(self.member_ids)

    @property
    def roles(self) -> Counter[Role]:
        """How many members of each role named it (one per member)."""
        seen: dict[int, Role] = {}
        for mention in self.mentions:
            if mention.role is not None:
                seen[mention.member_id] = mention.role
        return Counter(seen.values())


@dataclass
class MergeResult:
    """The merged nodes and the pairs the principal should look at (indexes into nodes)."""

    nodes: list[Node]
    suggestions: list[tuple[int, int]]


# -- names ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "C.L.B." is CLB and "'t" is t: dots and apostrophes join, other punctuation separates.
    letters = letters.replace("'", "").replace("\u2019", "").replace(".", "")
    return " ".join(re.findall(r"[^\W_]+", letters))


_VOWELS = frozenset("aeiouy")


def _stem(word: str) -> str:
    """A light Dutch singular: ouders -> ouder, scholen -> school, bedrijven -> bedrijf."""
    if word.isdigit() or len(word) <= 4:
        return word
    if word.endswith("'s"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) >= 5:
        return word[:-1]
    if word.endswith("en") and len(word) >= 6:
        base = word[:-2]
        if base[-1] == "v":
            base = base[:-1] + "f"
        elif base[-1] == "z":
            base = base[:-1] + "s"
        # An open syllable lost its long vowel in writing: schol(en) -> school, lerar(en) -> leraar.
        if (
            len(base) >= 3
            and base[-1] not in _VOWELS
            and base[-2] in "aeou"
            and base[-3] not in _VOWELS
        ):
            base = base[:-1] + base[-2] + base[-1]
        return base
    return word


@cache
def _abbreviation_file() -> dict[str, dict[str, Any]]:
    """core/data/abbreviations.toml, read and parsed once."""
    raw = resources.files("core").joinpath("data/abbreviations.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


@cache
def abbreviations() -> dict[str, str]:
    """Folded abbreviation or full form -> the abbreviation as usually written (data file)."""
    table: dict[str, str] = {}
    for abbreviation, entry in _abbreviation_file().items():
        for form in [abbreviation, *entry.get("full", [])]:
            table[_key_words(form)] = abbreviation
    return table


@cache
def _usual_classes() -> dict[str, tuple[Kind, Category]]:
    """Abbreviation (folded) -> the kind and category the data file gives it, if both."""
    return {
        abbreviation.casefold(): (Kind(entry["kind"]), Category(entry["category"]))
        for abbreviation, entry in _abbreviation_file().items()
        if "kind" in entry and "category" in entry
    }


def usual_kind_and_category(text: str) -> tuple[Kind, Category] | None:
    """What a well-known partner (CLB, the pedagogische begeleidingsdienst ...) usually is, to
    offer as one tap; None for any other name."""
    key = name_key(text)
    return _usual_classes().get(key[1:]) if key.startswith("=") else None


def _key_words(text: str) -> str:
    words = _fold(text).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(_stem(word) for word in words)


def name_key(text: str) -> str:
    """The key under which spellings of one partner coincide."""
    return _canonical(_key_words(text))


@cache
def _canonical(words: str) -> str:
    """Known abbreviations and their full forms (even with a small typo) share one key."""
    table = abbreviations()
    known = table.get(words)
    if known is None:
        known = next(
            (
                abbr
                for form, abbr in table.items()
                if form != abbr.casefold() and _same_partner(words, form)
            ),
            None,
        )
    return f"={known.casefold()}" if known is not None else words


def _numbers(key: str) -> set[str]:
    return set(re.findall(r"\d+", key))


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _same_partner(a: str, b: str) -> bool:
    """Auto-merge: identical written together, or one small typo in a long name."""
    if a.startswith("=") or b.startswith("="):
        return False
    if _numbers(a) != _numbers(b):
        return False
    ca, cb = _compact(a), _compact(b)
    if ca == cb:
        return True
    if min(len(ca), len(cb)) < AUTO_MIN_LENGTH:
        return False
    # A ratio of 92 needs lengths within about 16% of each other: skip the rest cheaply.
    if abs(len(ca) - len(cb)) > 0.2 * max(len(ca), len(cb)):
        return False
    if len(a.split()) != len(b.split()):
        # "begeleidings-dienst" / "begeleidingsdienst": only when written together nearly equal.
        return fuzz.ratio(ca, cb) >= WRITTEN_TOGETHER_RATIO
    return fuzz.ratio(ca, cb) >= AUTO_RATIO and _words_align(a, b)


def _words_align(a: str, b: str) -> bool:
    """Every word pair is equal or nearly so ('Hogeschool Gent' vs 'Universiteit Gent': no)."""
    return all(
        wa == wb or (min(len(wa), len(wb)) >= 5 and fuzz.ratio(wa, wb) >= 80)
        for wa, wb in zip(a.split(), b.split(), strict=True)
    )


def _similar(a: str, b: str) -> bool:
    """Worth asking the principal: alike, but not clearly the same."""
    if _numbers(a) != _numbers(b):
        return False
    ca, cb = _compact(a.lstrip("=")), _compact(b.lstrip("="))
    close_in_length = abs(len(ca) - len(cb)) <= 0.3 * max(len(ca), len(cb))
    if (
        close_in_length
        and min(len(ca), len(cb)) >= SUGGEST_MIN_LENGTH
        and fuzz.ratio(ca, cb) >= SUGGEST_RATIO
    ):
        return True
    # One name is the other plus a place or detail: "CLB" / "CLB Gent" style.
    wa, wb = set(a.lstrip("=").split()), set(b.lstrip("=").split())
    (shorter, short_key), (longer, _) = sorted(((wa, a), (wb, b)), key=lambda x: len(x[0]))
    return shorter < longer and (len(shorter) >= 2 or short_key.startswith("="))


# -- merging ----------------------------------------------------------------------------------


class _Groups:
    """Union-find over group indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def merge(
    mentions: Iterable[Mention],
    *,
    kept_apart: Iterable[tuple[str, str]] = (),
    joined: Iterable[tuple[str, str]] = (),
) -> MergeResult:
    """Merge post-its into nodes; deterministic for the same input in any order.

    `joined` are pairs of name keys the principal merged, `kept_apart` pairs they kept apart.
    """
    ordered = sorted(mentions, key=lambda m: (m.postit_id, m.member_id))
    by_key: dict[str, list[Mention]] = {}
    for mention in ordered:
        by_key.setdefault(name_key(mention.text), []).append(mention)
    keys = sorted(by_key)
    groups = _Groups(len(keys))
    apart = {frozenset(pair) for pair in kept_apart}
    for i, a in enumerate(keys):
        for j in range(i + 1, len(keys)):
            b = keys[j]
            if frozenset((a, b)) not in apart and _same_partner(a, b):
                groups.union(i, j)
    index = {key: i for i, key in enumerate(keys)}
    for a, b in joined:
        if a in index and b in index:
            groups.union(index[a], index[b])
    members: dict[int, list[str]] = {}
    for i, key in enumerate(keys):
        members.setdefault(groups.find(i), []).append(key)
    nodes = [_node(key_list, by_key) for key_list in members.values()]
    nodes.sort(key=lambda n: (-n.mention_count, n.label.casefold(), n.key))
    suggestions = [
        (i, j)
        for i in range(len(nodes))
        for j in range(i + 1, len(nodes))
        if not any(frozenset((a, b)) in apart for a in nodes[i].keys for b in nodes[j].keys)
        and _similar(nodes[i].key, nodes[j].key)
    ]
    return MergeResult(nodes, suggestions)


def _node(keys: Sequence[str], by_key: dict[str, list[Mention]]) -> Node:
    mentions = sorted((m for key in keys for m in by_key[key]), key=lambda m: m.postit_id)
    key = min(keys, key=lambda k: (-len(by_key[k]), k))
    node = Node(label=choose_label(mentions, key), mentions=mentions, key=key, keys=frozenset(keys))
    node.aliases = sorted({m.text for m in mentions}, key=lambda t: (t.casefold(), t))
    node.kind = _majority([m.kind for m in mentions], list(Kind))[0]
    node.category, node.category_tie = _majority([m.category for m in mentions], list(Category))
    node.distance, node.disputed = merged_distance([m.distance for m in mentions])
    return node


def choose_label(mentions: Sequence[Mention], key: str) -> str:
    """The short key term: the known abbreviation if there is one, else the commonest spelling."""
    if key.startswith("="):
        abbreviation = next(a for a in abbreviations().values() if a.casefold() == key[1:])
        # The abbreviation is the key term, but only when someone on the team used it.
        if any(_key_words(m.text) == _key_words(abbreviation) for m in mentions):
            return abbreviation
    counts = Counter(_without_article(m.text) for m in mentions)
    # Commonest spelling; then the singular/shorter form; then the most carefully written one.
    return min(counts, key=lambda t: (-counts[t], len(_fold(t)), -len(t), t))


def _without_article(text: str) -> str:
    """'De Scholengemeenschap' -> 'Scholengemeenschap' (the map shows the key term)."""
    words = text.split()
    if len(words) > 1 and _fold(words[0]) in ARTICLES:
        rest = " ".join(words[1:])
        return rest[:1].upper() + rest[1:]
    return text


def _majority(values: Sequence[T | None], order: list[T]) -> tuple[T | None, tuple[T, ...]]:
    """The most given value; on a tie the first in protocol order, plus the tied values."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None, ()
    best = max(counts.values())
    tied = [value for value in order if counts.get(value) == best]
    return tied[0], tuple(tied) if len(tied) > 1 else ()


def merged_distance(values: Sequence[Distance | None]) -> tuple[Distance | None, bool]:
    """Median placement rounded toward the school, and disputed when they span two steps."""
    given = sorted(int(v) for v in values if v is not None)
    if not given:
        return None, False
    return Distance(median_low(given)), given[-1] - given[0] >= 2
