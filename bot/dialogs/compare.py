"""/kaart vergelijk: the current map next to the previous version (no Telegram).

Which two maps: while a round's map is being made (the brainstorm is closed, the round not yet
kept), its live map against the team's newest kept version; otherwise the newest kept version
against the one before it (its parent), which may be an optimisation after the member check.
An open brainstorm is never shown: members' answers stay private until it closes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from core import compare, teammap
from core.model import Team
from core.protocol import Step
from core.render import MapData
from prompts import Html, Texts
from storage.store import Tx

from . import mapview

# The summary names at most this many partners per kind of change.
MAX_NAMES = 25


@dataclass(frozen=True)
class ComparisonView:
    """What the principal receives: the picture's data, a caption and the text summary."""

    data: MapData
    caption: Html
    summary: Html


async def load(tx: Tx, texts: Texts, team: Team, timezone: str) -> ComparisonView | Html:
    """The comparison of the two newest maps, or a friendly reason why there is none."""
    lang = team.language.value
    round_ = await tx.latest_round_of(team.id)
    latest = await tx.latest_map_version(team.id)
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    # The rounds whose people the comparison follows (two versions of one round: none).
    rounds: tuple[int, int] | None = None
    if round_ is not None and round_.step not in (Step.BRAINSTORM.value, Step.DONE.value):
        if latest is not None:
            team_map = await mapview.load(tx, round_, shared_only=True)
            new = teammap.to_json(
                team_map,
                school=team.school_name or "",
                round_number=round_.number,
                date=mapview.local_date(round_, timezone),
            )
            old = json.loads(latest.snapshot_json)
            rounds = (latest.round_id, round_.id)
    elif latest is not None and latest.parent_id is not None:
        parent = await tx.map_version(int(latest.parent_id))
        if parent is not None:
            old = json.loads(parent.snapshot_json)
            new = json.loads(latest.snapshot_json)
            if parent.round_id != latest.round_id:
                rounds = (parent.round_id, latest.round_id)
    if old is None or new is None:
        return texts.t("compare.nothing", lang)
    if round_ is None:  # pragma: no cover - a kept version always has its round
        return texts.t("compare.nothing", lang)

    if rounds is not None and rounds[0] != rounds[1]:
        before = await tx.people_placements(rounds[0])
        result = compare.compare(old, new, before, await tx.people_placements(rounds[1]))
    else:
        result = compare.compare(old, new)
    base = mapview.texts_for(texts, team, round_, timezone)
    title = texts.plain(
        "compare.title",
        lang,
        school=team.school_name or "",
        old_round=old.get("round", "?"),
        old_date=old.get("date", ""),
        new_round=new.get("round", "?"),
        new_date=new.get("date", ""),
    )
    map_texts = replace(
        base,
        title=title,
        legend_changes=texts.plain("compare.legend", lang),
        change_new=texts.plain("compare.change_new", lang),
        change_dropped=texts.plain("compare.change_dropped", lang),
        change_closer=texts.plain("compare.change_closer", lang),
        change_further=texts.plain("compare.change_further", lang),
    )
    data = MapData(
        compare.comparison_nodes(old, new, result),
        compare.comparison_links(new),
        map_texts,
        colour_blind=team.colour_blind,
    )
    caption = texts.t(
        "compare.caption",
        lang,
        old_round=old.get("round", "?"),
        new_round=new.get("round", "?"),
        kept=result.kept,
        new=len(result.new),
        dropped=len(result.dropped),
        moved=len(result.moved),
    )
    return ComparisonView(data, caption, summary(texts, lang, result))


def _names(texts: Texts, lang: str, names: list[str]) -> str:
    shown = names[:MAX_NAMES]
    text = ", ".join(shown)
    if len(names) > len(shown):
        text += texts.plain("compare.more", lang, count=len(names) - len(shown))
    return text


def summary(texts: Texts, lang: str, result: compare.Comparison) -> Html:
    """The short text that goes with the comparison map; it says when other people took part."""
    people = result.people
    differ: list[Html] = []
    if people is not None and not people.same:
        key = "follow.people_differ" if people.both else "follow.nobody_twice"
        differ.append(texts.t(key, lang, left=people.left, joined=people.joined, both=people.both))
    if result.unchanged:
        return Html("\n".join([texts.t("compare.unchanged", lang, kept=result.kept), *differ]))

    def ring(distance: int) -> str:
        return texts.plain(f"distance.{distance}", lang)

    lines = [texts.t("compare.header", lang)]
    if result.new:
        lines.append(
            texts.t(
                "compare.new", lang, count=len(result.new), names=_names(texts, lang, result.new)
            )
        )
    if result.dropped:
        names = _names(texts, lang, result.dropped)
        lines.append(texts.t("compare.dropped", lang, count=len(result.dropped), names=names))
    if result.moved:
        moves = [
            texts.plain("compare.move", lang, name=label, old=ring(old), new=ring(new))
            for label, old, new in result.moved
        ]
        lines.append(
            texts.t("compare.moved", lang, count=len(moves), names=_names(texts, lang, moves))
        )
    if result.split:
        names = _names(texts, lang, result.split)
        lines.append(texts.t("follow.split", lang, count=len(result.split), names=names))
    if result.priority_gained:
        names = _names(texts, lang, result.priority_gained)
        lines.append(texts.t("compare.priority_gained", lang, names=names))
    if result.priority_lost:
        names = _names(texts, lang, result.priority_lost)
        lines.append(texts.t("compare.priority_lost", lang, names=names))
    if result.priority_changed:
        changes = [
            texts.plain("compare.priority_count", lang, name=label, old=old, new=new)
            for label, old, new in result.priority_changed
        ]
        lines.append(texts.t("compare.priority_changed", lang, names=_names(texts, lang, changes)))
    lines.append(texts.t("compare.kept", lang, count=result.kept))
    lines.extend(differ)
    lines.append(texts.t("compare.discuss", lang))
    return Html("\n".join(lines))
