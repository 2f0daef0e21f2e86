"""After the member check: add partners the wider team found missing (no Telegram).

The source calls this "optimalisering van de netwerkkaart" (MC.3): the principal gets the
partners named as missing with a button each, chooses a category and a distance, and the map
gets a new immutable version that the group sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.membercheck import Response, missing_partners
from core.merge import name_key
from core.model import Category, Distance, Round, Team
from core.protocol import Step
from prompts import Html, Texts
from storage.store import Tx

from . import mapview
from .base import Button, Screen, rows

# Buttons carry (action, arg): action "add", arg "<index>" or "<index>:<c|d>:<value>".
ACTION = "add"
MAX_OFFERED = 20


@dataclass(frozen=True)
class Tapped:
    """What a tap leads to: a next question, a refusal, or a partner that is now on the map."""

    screen: Screen | None = None
    toast: str | None = None
    added: str | None = None
    round: Round | None = None


async def _missing(tx: Tx, check_id: int) -> list[str]:
    """The partners named as missing, most named first (a fixed order once the check closed)."""
    responses = [
        Response(key=int(row["id"]), role=None, missing=tuple(missing))
        for row, _, missing in await tx.mc_responses(check_id)
    ]
    return [name for name, _ in missing_partners(responses)]


async def _round_of(tx: Tx, check_id: int) -> Round | None:
    check = await tx.member_check(check_id)
    version = await tx.map_version(int(check["version_id"])) if check else None
    return await tx.round(int(version["round_id"])) if version else None


async def offer(tx: Tx, texts: Texts, team: Team, check_id: int) -> Screen | None:
    """The missing partners not on the map yet, a button each; None when there are none."""
    round_ = await _round_of(tx, check_id)
    if round_ is None:
        return None
    team_map = await mapview.load(tx, round_)
    lang = team.language.value
    buttons = [
        Button(texts.plain("optimise.add_button", lang, name=_short(name)), ACTION, str(index))
        for index, name in enumerate(await _missing(tx, check_id))
        if team_map.index_of(name_key(name)) is None
    ][:MAX_OFFERED]
    if not buttons:
        return None
    return Screen(texts.t("optimise.offer", lang, count=len(buttons)), rows(*buttons))


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:39] + "…"


async def on_tap(
    tx: Tx, texts: Texts, team: Team, check_id: int, index: int, field: str, value: str
) -> Tapped:
    """One step of adding a missing partner: start, category, distance."""
    lang = team.language.value
    stale = Tapped(toast=texts.plain("err.stale", lang))
    check = await tx.member_check(check_id)
    if check is None or int(check["team_id"]) != team.id or check["closed_at"] is None:
        return stale
    missing = await _missing(tx, check_id)
    round_ = await _round_of(tx, check_id)
    if not 0 <= index < len(missing) or round_ is None or round_.step != Step.DONE.value:
        return stale
    name = missing[index]
    addition_id = await tx.draft_addition(round_.id, check_id, name, name_key(name))
    addition = await tx.addition(addition_id)
    assert addition is not None
    if addition["status"] == "added":
        return Tapped(toast=texts.plain("optimise.already", lang, name=name))
    if field == "":
        team_map = await mapview.load(tx, round_)
        if team_map.index_of(name_key(name)) is not None:
            return Tapped(toast=texts.plain("optimise.on_map", lang, name=name))
        return Tapped(screen=_category_screen(texts, lang, index, name))
    if field == "c" and value in {c.value for c in Category}:
        await tx.set_addition(addition_id, category=value)
        return Tapped(screen=_distance_screen(texts, lang, index, name))
    if field == "d" and value.isdigit() and int(value) in {int(d) for d in Distance}:
        if addition["category"] is None or not await tx.confirm_addition(addition_id, int(value)):
            return stale
        return Tapped(added=name, round=round_)
    return stale


def _category_screen(texts: Texts, lang: str, index: int, name: str) -> Screen:
    buttons = [
        Button(texts.plain(f"category.{c.value}", lang), ACTION, f"{index}:c:{c.value}")
        for c in Category
    ]
    return Screen(texts.t("optimise.ask_category", lang, name=name), rows(*buttons))


def _distance_screen(texts: Texts, lang: str, index: int, name: str) -> Screen:
    buttons = [
        Button(texts.plain(f"distance.{int(d)}", lang), ACTION, f"{index}:d:{int(d)}")
        for d in Distance
    ]
    return Screen(texts.t("optimise.ask_distance", lang, name=name), rows(*buttons))


def caption(texts: Texts, team: Team, round_: Round, name: str) -> Html:
    """The group's caption of the optimised map."""
    return texts.t("optimise.caption", team.language.value, number=round_.number, name=name)
