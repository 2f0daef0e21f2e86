"""The anonymised member-check report (PROTOCOL.md §4.11, 001 Bijlage 3), no Telegram.

Functions, never names: respondents are numbered in a random but reproducible order
("Collega 1 (leraar)"), and a role with fewer than three respondents is reported as
"collega (andere functie)" so nobody can be recognised, unless the principal turns that off.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from .model import Role

MIN_PER_ROLE = 3
QUESTIONS = ("MC.Q1", "MC.Q2", "MC.Q3", "MC.Q4")


@dataclass(frozen=True)
class Response:
    """One colleague's answers; `key` is any stable id (never shown)."""

    key: int
    role: Role | None
    answers: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


def labels(
    responses: list[Response],
    *,
    seed: int,
    role_names: dict[Role, str],
    other: str,
    colleague: str,
    protect_small_roles: bool = True,
) -> list[tuple[str, Response]]:
    """Each response with its anonymous label, in a shuffled order fixed by the seed."""
    ordered = sorted(responses, key=lambda r: r.key)
    random.Random(seed).shuffle(ordered)
    counts = Counter(r.role for r in ordered)
    out: list[tuple[str, Response]] = []
    for number, response in enumerate(ordered, start=1):
        role = response.role
        if role is None or (protect_small_roles and counts[role] < MIN_PER_ROLE):
            function = other
        else:
            function = role_names[role]
        out.append((f"{colleague} {number} ({function})", response))
    return out


def missing_partners(responses: list[Response]) -> list[tuple[str, int]]:
    """Partners named as missing, with how many colleagues named them (case-insensitive)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for response in responses:
        for name in {m.strip() for m in response.missing if m.strip()}:
            key = name.casefold()
            counts[key] += 1
            spelling.setdefault(key, name)
    return [(spelling[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
