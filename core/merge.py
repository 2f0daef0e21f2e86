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
from functools import cache, lru_cache
from importlib import resources
from statistics import median_low
from typing import Any, TypeVar

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz, process

from .model import Category, Distance, Kind, Role

T = TypeVar("T")

ARTICLES = frozenset({"de", "het", "t", "den", "een", "der"})
# A typo is only trusted in a long name: in "CLB"/"CLW" one letter is a different partner.
AUTO_MIN_LENGTH = 10
AUTO_RATIO = 92.0
WRITTEN_TOGETHER_RATIO = 96.0
SUGGEST_RATIO = 85.0
SUGGEST_MIN_LENGTH = 5
# A one-word name this long is asked about when it ends a compound: Academie / Muziekacademie.
COMPOUND_MIN_LENGTH = 6


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


_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "C.L.B." is CLB and "'t" is t: dots and apostrophes join, other punctuation separates.
    letters = letters.replace("'", "").replace("\u2019", "").replace(".", "")
    # A hyphenated compound is one word: "begeleidings-dienst" is "begeleidingsdienst".
    letters = _HYPHEN.sub("", letters)
    return " ".join(re.findall(r"[^\W_]+", letters))


_VOWELS = frozenset("aeiouy")
_PORTER = snowballstemmer.stemmer("dutch_porter")
_OPEN_SYLLABLE = re.compile(r"[^aeiouy](?:aa|ee|oo|uu)[^aeiouyi]$")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Dutch singular and stem (Snowball's Dutch Porter stemmer), the same for both forms:
    huisarts/huisartsen -> huisart, scholen/school -> schol, bedrijven/bedrijf -> bedrijf."""
    if len(word) <= 3 or not word.isalpha():
        return word
    # Plurals in -'s after a vowel (collega's, chiro's, organisaties), which Porter leaves.
    if len(word) >= 6 and word.endswith(("as", "os", "ies")):
        word = word[:-1]
    stem: str = _PORTER.stemWord(word)
    # Porter takes one suffix: "huisartsen" -> "huisarts", while "huisarts" -> "huisart".
    if len(stem) >= 5 and stem[-1] == "s" and stem[-2] not in _VOWELS and stem[-2] not in "sj":
        stem = stem[:-1]
        # stageplaatsen -> stageplaats -> stageplat, as stageplaats -> stageplat.
        if _OPEN_SYLLABLE.search(stem):
            stem = stem[:-2] + stem[-1]
    # gezinnen -> gezinn -> gezin, instellingen -> instell -> instel (as the singular).
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        stem = stem[:-1]
    # bedrijven -> bedrijv -> bedrijf, huizen -> huiz -> huis.
    if stem[-1] == "v":
        stem = stem[:-1] + "f"
    elif stem[-1] == "z":
        stem = stem[:-1] + "s"
    return stem


@cache
def _data_file(name: str) -> dict[str, dict[str, Any]]:
    """A table of core/data, read and parsed once."""
    raw = resources.files("core").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def _abbreviation_file() -> dict[str, dict[str, Any]]:
    return _data_file("abbreviations.toml")


def _short_form_file() -> dict[str, dict[str, Any]]:
    return _data_file("short_forms.toml")


@cache
def abbreviations() -> dict[str, str]:
    """Folded abbreviation or full form -> the abbreviation as usually written (data file)."""
    table: dict[str, str] = {}
    for abbreviation, entry in _abbreviation_file().items():
        for form in [abbreviation, *entry.get("full", [])]:
            table[_key_words(form)] = abbreviation
    return table


@cache
def _known() -> dict[str, str]:
    """Key words of every known form -> the partner's shared key: the abbreviations, and the
    short forms with their full names (core/data/short_forms.toml)."""
    table = {form: f"={abbreviation.casefold()}" for form, abbreviation in abbreviations().items()}
    for short, entry in _short_form_file().items():
        if not entry.get("full"):
            continue
        shared = f"={_key_words(short)}"
        for form in [short, *entry["full"]]:
            words = _key_words(form)
            if table.setdefault(words, shared) != shared:
                raise ValueError(f"short_forms.toml: {form!r} is already {table[words]!r}")
    return table


@cache
def _known_compact() -> tuple[list[str], list[str]]:
    """The known forms that are not a shared key themselves, and the same written together
    (the candidates for a known name with a small typo)."""
    forms = [form for form, shared in _known().items() if f"={form}" != shared]
    return forms, [_compact(form) for form in forms]


@cache
def _forms_of_shared() -> dict[str, tuple[str, ...]]:
    """Shared key -> the key words of all its known forms ('=clb' -> 'clb', 'centrum ...')."""
    forms: dict[str, list[str]] = {}
    for words, shared in _known().items():
        forms.setdefault(shared, []).append(words)
    return {shared: tuple(sorted(found)) for shared, found in forms.items()}


@cache
def _ask_pairs() -> frozenset[frozenset[str]]:
    """Pairs of name keys the principal is always asked about (short_forms.toml `ask`)."""
    pairs: set[frozenset[str]] = set()
    for short, entry in _short_form_file().items():
        for form in entry.get("ask", []):
            pairs.add(frozenset((name_key(short), name_key(form))))
    return frozenset(pairs)


@cache
def _abbreviation_labels() -> dict[str, str]:
    """Shared key of an abbreviation -> the abbreviation as usually written."""
    return {f"={a.casefold()}": a for a in _abbreviation_file()}


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


@lru_cache(maxsize=1 << 16)
def _key_words(text: str) -> str:
    words = _fold(text).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(_stem(word) for word in words)


def name_key(text: str) -> str:
    """The key under which spellings of one partner coincide: in a member's own list (a second
    "C.L.B." is refused) and on the team's map alike."""
    return _canonical(_key_words(text))


def same_name(a: str, b: str) -> bool:
    """True when the map merges these two names without asking (a member's list refuses the
    second one for the same reason): the same key, or a small typo in a long name."""
    ka, kb = name_key(a), name_key(b)
    return ka == kb or _same_partner(ka, kb)


@lru_cache(maxsize=1 << 16)
def _canonical(words: str) -> str:
    """Known abbreviations, short forms and their full forms (even with a small typo) share
    one key."""
    known = _known().get(words)
    if known is not None:
        return known
    forms, compact = _known_compact()
    for _, _, index in process.extract_iter(
        _compact(words), compact, scorer=fuzz.ratio, score_cutoff=AUTO_RATIO
    ):
        if _same_partner(words, forms[index]):
            return _known()[forms[index]]
    return words


@lru_cache(maxsize=1 << 16)
def _numbers(key: str) -> frozenset[str]:
    return frozenset(re.findall(r"\d+", key))


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


@lru_cache(maxsize=1 << 16)
def _alike(a: str, b: str) -> bool:
    """Written nearly alike, but not clearly the same: worth asking the principal."""
    if _numbers(a) != _numbers(b):
        return False
    ca, cb = _compact(a.lstrip("=")), _compact(b.lstrip("="))
    return (
        abs(len(ca) - len(cb)) <= 0.3 * max(len(ca), len(cb))
        and min(len(ca), len(cb)) >= SUGGEST_MIN_LENGTH
        and fuzz.ratio(ca, cb) >= SUGGEST_RATIO
    )


# A node's names as key words: (what the members wrote, that plus the known forms).
_Forms = tuple[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=1 << 16)
def _contained(short: str, long: str, *, compound: bool) -> bool:
    """One name is the other plus a place or detail ("CLB" / "CLB Gent", "Chiro" / "Jeugdbeweging
    Chiro"), or (`compound`) a one-word name is the head of a compound in the other ("Academie" /
    "Muziekacademie"). Names whose numbers differ are different partners."""
    if _numbers(short) != _numbers(long):
        return False
    words, others = set(short.split()), set(long.split())
    if words < others:
        return True
    if not compound or len(words) != 1:
        return False
    (word,) = words
    return len(word) >= COMPOUND_MIN_LENGTH and any(
        len(other) >= len(word) + 3 and other.endswith(word) for other in others
    )


def _node_forms(node: Node) -> _Forms:
    """(what the members wrote, as key words; that plus every known form of a known partner)."""
    return _forms_of(tuple(node.aliases), tuple(sorted(node.keys)))


@lru_cache(maxsize=1 << 14)
def _forms_of(texts: tuple[str, ...], keys: tuple[str, ...]) -> _Forms:
    written = tuple(sorted({_key_words(text) for text in texts} or set(keys)))
    known = tuple(f for key in keys if key.startswith("=") for f in _forms(key))
    return written, tuple(sorted({*written, *known}))


def _similar(a: Node, b: Node, forms_a: _Forms, forms_b: _Forms) -> bool:
    """Worth asking the principal about (see `merge` for the rules); forms: `_node_forms`."""
    asked = _ask_pairs()
    if any(frozenset((ka, kb)) in asked for ka in a.keys for kb in b.keys):
        return True
    if any(_alike(ka, kb) for ka in a.keys for kb in b.keys) and _written_alike(a, b):
        return True
    (written_a, all_a), (written_b, all_b) = forms_a, forms_b
    return any(
        _contained(fa, fb, compound=False) or _contained(fb, fa, compound=False)
        for fa in all_a
        for fb in all_b
    ) or any(
        _contained(fa, fb, compound=True) or _contained(fb, fa, compound=True)
        for fa in written_a
        for fb in written_b
    )


def _written_alike(a: Node, b: Node) -> bool:
    """The names as written (not only their stems) are alike: "Begeleiding" and "Beleid" have
    close stems but are not worth asking about."""
    return any(
        fuzz.ratio(_compact(_fold(x)), _compact(_fold(y))) >= SUGGEST_RATIO
        for x in a.aliases or [a.label]
        for y in b.aliases or [b.label]
    )


def _forms(key: str) -> tuple[str, ...]:
    """A key as words: a known partner's key stands for all its known forms."""
    return _forms_of_shared().get(key, (key,)) if key.startswith("=") else (key,)


# -- keys as the bot wrote them before (issue 14) ----------------------------------------------
# A round that was running when the bot was updated has merge decisions, priority picks, links
# and values stored under the keys of the earlier normalisation. `legacy_name_key` still gives
# those keys, so the map can find the partner they meant (core/teammap.py).


def _legacy_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = letters.replace("'", "").replace("\u2019", "").replace(".", "")
    return " ".join(re.findall(r"[^\W_]+", letters))


def _legacy_stem(word: str) -> str:
    if word.isdigit() or len(word) <= 4:
        return word
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if word.endswith("en") and len(word) >= 6:
        base = word[:-2]
        if base[-1] == "v":
            base = base[:-1] + "f"
        elif base[-1] == "z":
            base = base[:-1] + "s"
        if (
            len(base) >= 3
            and base[-1] not in _VOWELS
            and base[-2] in "aeou"
            and base[-3] not in _VOWELS
        ):
            base = base[:-1] + base[-2] + base[-1]
        return base
    return word


def _legacy_words(text: str) -> str:
    words = _legacy_fold(text).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(_legacy_stem(word) for word in words)


@cache
def _legacy_abbreviations() -> dict[str, str]:
    return {
        _legacy_words(form): abbreviation
        for abbreviation, entry in _abbreviation_file().items()
        for form in [abbreviation, *entry.get("full", [])]
    }


@lru_cache(maxsize=1 << 16)
def legacy_name_key(text: str) -> str:
    """The key the bot gave this name before issue 14 (see above)."""
    words = _legacy_words(text)
    table = _legacy_abbreviations()
    known = table.get(words)
    if known is None:
        forms = [form for form, abbr in table.items() if form != abbr.casefold()]
        known = next(
            (table[forms[index]]
             for _, _, index in process.extract_iter(
                 _compact(words), [_compact(f) for f in forms], scorer=fuzz.ratio,
                 score_cutoff=AUTO_RATIO)
             if _same_partner(words, forms[index])),
            None,
        )  # fmt: skip
    return f"={known.casefold()}" if known is not None else words


# -- merging ----------------------------------------------------------------------------------

_KINDS = list(Kind)
_CATEGORIES = list(Category)


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


def _close_pairs(keys: Sequence[str], cutoff: float) -> list[tuple[int, int, int]]:
    """(i, j, score) for keys i < j whose written-together forms reach the fuzz ratio cutoff:
    one rapidfuzz cdist instead of a Python loop over every pair."""
    if len(keys) < 2:
        return []
    compact = [_compact(key.lstrip("=")) for key in keys]
    scores = process.cdist(compact, compact, scorer=fuzz.ratio, score_cutoff=cutoff,
                           dtype=np.uint8)  # fmt: skip
    rows, cols = np.nonzero(np.triu(scores, k=1))
    return [(int(i), int(j), int(scores[i, j])) for i, j in zip(rows, cols, strict=True)]


def _containment_pairs(
    forms: Sequence[_Forms],
) -> set[tuple[int, int]]:
    """Index pairs (i < j) of nodes where some form of one lies within some form of the other,
    found through an index of words instead of comparing every pair; heads of compounds only
    among what the members wrote."""
    by_word: dict[str, set[int]] = {}
    heads: dict[str, set[int]] = {}
    written_words: set[str] = set()
    for i, (written, every) in enumerate(forms):
        for form in every:
            for word in form.split():
                by_word.setdefault(word, set()).add(i)
        for form in written:
            words = form.split()
            written_words.update(words)
            if len(words) == 1 and len(words[0]) >= COMPOUND_MIN_LENGTH:
                heads.setdefault(words[0], set()).add(i)
    # Every written word that ends in a one-word name, with the nodes of that name.
    ending: dict[str, set[int]] = {}
    by_tail: dict[str, list[str]] = {}
    for head in heads:
        by_tail.setdefault(head[-COMPOUND_MIN_LENGTH:], []).append(head)
    if by_tail:
        for word in written_words:
            for head in by_tail.get(word[-COMPOUND_MIN_LENGTH:], ()):
                if len(word) >= len(head) + 3 and word.endswith(head):
                    ending.setdefault(word, set()).update(heads[head])
    pairs: set[tuple[int, int]] = set()
    for i, (_, every) in enumerate(forms):
        for form in every:
            words = form.split()
            sets = [by_word[word] for word in words]
            smallest = min(sets, key=len)
            if len(smallest) > 1:
                within = smallest.intersection(*sets) if len(sets) > 1 else smallest
                pairs.update((min(i, j), max(i, j)) for j in within if j != i)
            for word in words:
                found = ending.get(word)
                if found:
                    pairs.update((min(i, j), max(i, j)) for j in found if j != i)
    return pairs


def merge(
    mentions: Iterable[Mention],
    *,
    kept_apart: Iterable[tuple[str, str]] = (),
    joined: Iterable[tuple[str, str]] = (),
) -> MergeResult:
    """Merge post-its into nodes; deterministic for the same input in any order.

    `joined` are pairs of name keys the principal merged, `kept_apart` pairs they kept apart.
    Merged without asking: the same key (case, accents, punctuation, articles, plurals, a known
    abbreviation or short form and its full name), or a small typo in a long name. Suggested:
    names written nearly alike, one name contained in the other (also a one-word name, and the
    head of a compound), and the pairs short_forms.toml lists under `ask`.
    """
    ordered = sorted(mentions, key=lambda m: (m.postit_id, m.member_id))
    by_key: dict[str, list[Mention]] = {}
    for mention in ordered:
        by_key.setdefault(name_key(mention.text), []).append(mention)
    keys = sorted(by_key)
    groups = _Groups(len(keys))
    apart = {frozenset(pair) for pair in kept_apart}
    # One fuzzy comparison of every key with every other serves both the merge (a typo) and
    # the suggestions (written nearly alike).
    close = _close_pairs(keys, SUGGEST_RATIO)
    for i, j, score in close:
        a, b = keys[i], keys[j]
        if score >= AUTO_RATIO and frozenset((a, b)) not in apart and _same_partner(a, b):
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
    node_of = {key: i for i, node in enumerate(nodes) for key in node.keys}
    alike = {
        (min(node_of[keys[i]], node_of[keys[j]]), max(node_of[keys[i]], node_of[keys[j]]))
        for i, j, _ in close
        if node_of[keys[i]] != node_of[keys[j]]
    }
    return MergeResult(nodes, _suggestions(nodes, apart, alike, node_of))


def _suggestions(
    nodes: Sequence[Node],
    apart: set[frozenset[str]],
    alike: set[tuple[int, int]],
    node_of: dict[str, int],
) -> list[tuple[int, int]]:
    """The node pairs worth asking the principal about, minus those they kept apart: `alike`
    (nodes with keys written nearly alike), containment and the listed short forms."""
    forms = [_node_forms(node) for node in nodes]
    candidates = alike | _containment_pairs(forms)
    for pair in _ask_pairs():
        a, b = sorted(pair)
        if a in node_of and b in node_of and node_of[a] != node_of[b]:
            candidates.add((min(node_of[a], node_of[b]), max(node_of[a], node_of[b])))
    return sorted(
        (i, j)
        for i, j in candidates
        if not any(frozenset((a, b)) in apart for a in nodes[i].keys for b in nodes[j].keys)
        and _similar(nodes[i], nodes[j], forms[i], forms[j])
    )


def _node(keys: Sequence[str], by_key: dict[str, list[Mention]]) -> Node:
    if len(keys) == 1 and len(by_key[keys[0]]) == 1:
        # Most partners are named once: nothing to count or to choose.
        (mention,) = by_key[keys[0]]
        distance = mention.distance
        return Node(label=choose_label([mention], keys[0]), mentions=[mention], key=keys[0],
                    kind=mention.kind, category=mention.category, distance=distance,
                    aliases=[mention.text], keys=frozenset(keys))  # fmt: skip
    if len(keys) == 1:
        mentions = list(by_key[keys[0]])  # in post-it order already
    else:
        mentions = sorted((m for k in keys for m in by_key[k]), key=lambda m: m.postit_id)
    key = min(keys, key=lambda k: (-len(by_key[k]), k)) if len(keys) > 1 else keys[0]
    node = Node(label=choose_label(mentions, key), mentions=mentions, key=key, keys=frozenset(keys))
    node.aliases = sorted({m.text for m in mentions}, key=lambda t: (t.casefold(), t))
    node.kind = _majority([m.kind for m in mentions], _KINDS)[0]
    node.category, node.category_tie = _majority([m.category for m in mentions], _CATEGORIES)
    node.distance, node.disputed = merged_distance([m.distance for m in mentions])
    return node


def choose_label(mentions: Sequence[Mention], key: str) -> str:
    """The label of a node with these mentions (see `_label`)."""
    return _label(tuple(m.text for m in mentions), key)


@lru_cache(maxsize=1 << 14)
def _label(texts: tuple[str, ...], key: str) -> str:
    """The short key term: the known abbreviation when someone on the team used it, else the
    commonest spelling counted without case, accents and punctuation ("Pedagogische
    begeleidingsdienst" twice beats "Pedagogische begeleidingdienst" once). On a tie a known
    full name wins, then the singular, then the longer (a typo mostly drops a letter). Of that
    spelling the most used way of writing, with a capital first letter."""
    abbreviation = _abbreviation_labels().get(key)
    if abbreviation is not None and any(
        _key_words(text) == _key_words(abbreviation) for text in texts
    ):
        return abbreviation
    if len(texts) == 1:
        only = _without_article(texts[0])
        return only[:1].upper() + only[1:]
    written: dict[str, Counter[str]] = {}
    for text in map(_without_article, texts):
        written.setdefault(_fold(text), Counter())[text] += 1
    known = _known()

    def rank(folded: str) -> tuple[int, int, int, int, str]:
        # What the stemmer takes off: a plural ending, not a letter a typo left out.
        plural = len(_compact(folded)) - len(_compact(_key_words(folded)))
        return (
            -sum(written[folded].values()),
            _key_words(folded) not in known,
            plural,
            -len(folded),
            folded,
        )

    spellings = written[min(written, key=rank)]
    best = min(spellings, key=lambda t: (-spellings[t], *_case_rank(t), t))
    return best[:1].upper() + best[1:]


@lru_cache(maxsize=1 << 16)
def _case_rank(text: str) -> tuple[bool, int, int]:
    """All lower case last; abbreviations in capitals first; then the fewest capitals
    ("CLB" over "Clb", "Pedagogische begeleidingsdienst" over "Pedagogische Begeleidingsdienst")."""
    words = text.split()
    acronyms = sum(len(w) >= 2 and w.isupper() for w in words)
    capitals = sum(ch.isupper() for ch in text)
    return text == text.lower(), -acronyms, capitals


@lru_cache(maxsize=1 << 16)
def _without_article(text: str) -> str:
    """'De Scholengemeenschap' -> 'Scholengemeenschap' (the map shows the key term)."""
    words = text.split()
    if len(words) > 1 and _fold(words[0]) in ARTICLES:
        rest = " ".join(words[1:])
        return rest[:1].upper() + rest[1:]
    return text


def _majority(values: Sequence[T | None], order: list[T]) -> tuple[T | None, tuple[T, ...]]:
    """The most given value; on a tie the first in protocol order, plus the tied values."""
    given = [v for v in values if v is not None]
    if not given:
        return None, ()
    if len(given) == 1 or all(v == given[0] for v in given):
        return given[0], ()
    counts = Counter(given)
    best = max(counts.values())
    tied = [value for value in order if counts.get(value) == best]
    return tied[0], tuple(tied) if len(tied) > 1 else ()


def merged_distance(values: Sequence[Distance | None]) -> tuple[Distance | None, bool]:
    """Median placement rounded toward the school, and disputed when they span two steps."""
    given = sorted(int(v) for v in values if v is not None)
    if not given:
        return None, False
    return Distance(median_low(given)), given[-1] - given[0] >= 2
