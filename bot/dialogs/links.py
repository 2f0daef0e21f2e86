"""Lines between partners ("A — B"): any member may add them in private while the round is open."""

from __future__ import annotations

import re

from core.merge import name_key
from core.protocol import Step
from core.validation import Problem, clean_partner_name

from .base import Ctx, Outcome, Screen

_SEPARATOR = re.compile(r"\s+(?:—|–|-{1,2}|<->|&)\s+|\s*(?:—|–|<->)\s*")


def split_link(text: str) -> tuple[str, str] | None:
    """'CLB — Ondersteuningsnetwerk' -> ('CLB', 'Ondersteuningsnetwerk'); None if not two names."""
    parts = [part for part in _SEPARATOR.split(text.strip(), maxsplit=1) if part.strip()]
    return (parts[0], parts[1]) if len(parts) == 2 else None


async def on_link(ctx: Ctx, text: str) -> Outcome:
    """Stores a link between two partners and shows the member's current screen again."""
    if ctx.round.closed_at is not None or ctx.round.step == Step.DONE.value:
        return Outcome([Screen(ctx.t("link.closed"))])
    pair = split_link(text)
    if pair is None:
        return Outcome([Screen(ctx.t("link.usage"))], then_current=True)
    names: list[str] = []
    for raw in pair:
        cleaned = clean_partner_name(raw)
        if isinstance(cleaned, Problem):
            problem = ctx.t(cleaned.key, **cleaned.fields)
            return Outcome([Screen(problem)], then_current=True)
        names.append(cleaned)
    a, b = names
    if name_key(a) == name_key(b):
        return Outcome([Screen(ctx.t("link.same"))], then_current=True)
    added = await ctx.tx.add_link(ctx.round.id, ctx.member.id, name_key(a), name_key(b))
    key = "link.added" if added else "link.known"
    return Outcome([Screen(ctx.t(key, a=a, b=b))], then_current=True)
