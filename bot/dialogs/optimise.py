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
from .base import Button, Screen, is_id, rows, short_label

# Buttons carry (action, arg): action "add", arg "<addition_id>" or "<addition_id>:<c|d>:<value>".
ACTION = "add"
MAX_OFFERED = 20


@dataclass(frozen=True)
class Tapped:
    """What a tap leads to: a next question, a refusal, or a partner that is now on the map."""

    screen: Screen | None = None
    toast: str | None = None
    added: str | None = None
    round: Round | None = None
    addition_id: int = 0
    check_id: int = 0


async def _missing(tx: Tx, check_id: int) -> list[str]:
    """The partners named as missing, most named first."""
    responses = [
        Response(key=r.respondent.id, role=None, missing=tuple(r.missing))
        for r in await tx.mc_responses(check_id)
    ]
    return [name for name, _ in missing_partners(responses)]


async def _current_round(tx: Tx, team: Team, check_id: int) -> Round | None:
    """The round of the check's map, if that is still the team's newest kept round.

    An older round's map is history: adding to it would make it the newest version again.
    """
    check = await tx.member_check(check_id)
    if check is None or int(check.team_id) != team.id:
        return None
    version = await tx.map_version(int(check.version_id))
    newest = await tx.latest_kept_round(team.id)
    if version is None or newest is None or int(version.round_id) != newest:
        return None
    round_ = await tx.round(newest)
    return round_ if round_ is not None and round_.step == Step.DONE.value else None


async def offer(tx: Tx, texts: Texts, team: Team, check_id: int) -> Screen | None:
    """The missing partners not on the map yet, a button each; None when there are none."""
    round_ = await _current_round(tx, team, check_id)
    if round_ is None:
        return None
    team_map = await mapview.load(tx, round_)
    lang = team.language.value
    buttons: list[Button] = []
    for name in await _missing(tx, check_id):
        if team_map.index_of(name_key(name)) is not None or len(buttons) >= MAX_OFFERED:
            continue
        # The button names its own row: later changes to the answers cannot shift it.
        addition_id = await tx.draft_addition(round_.id, check_id, name, name_key(name))
        label = texts.plain("optimise.add_button", lang, name=short_label(name))
        buttons.append(Button(label, ACTION, str(addition_id)))
    if not buttons:
        return None
    return Screen(texts.t("optimise.offer", lang, count=len(buttons)), rows(*buttons))


async def team_of_addition(tx: Tx, addition_id: int) -> Team | None:
    """The team an addition belongs to (to check who may tap its buttons)."""
    addition = await tx.addition(addition_id)
    check_id = addition.check_id if addition else None
    check = await tx.member_check(check_id) if check_id is not None else None
    return await tx.team(check.team_id) if check else None


async def on_tap(
    tx: Tx, texts: Texts, team: Team, addition_id: int, field: str, value: str
) -> Tapped:
    """One step of adding a missing partner: start, category, distance."""
    lang = team.language.value
    stale = Tapped(toast=texts.plain("err.stale", lang))
    addition = await tx.addition(addition_id)
    if addition is None or addition.check_id is None:
        return stale
    check_id = int(addition.check_id)
    round_ = await _current_round(tx, team, check_id)
    if round_ is None or int(addition.round_id) != round_.id:
        return stale
    name = str(addition.label)
    if addition.status == "added":
        return Tapped(toast=texts.plain("optimise.already", lang, name=name))
    if field == "":
        team_map = await mapview.load(tx, round_)
        if team_map.index_of(name_key(name)) is not None:
            return Tapped(toast=texts.plain("optimise.on_map", lang, name=name))
        return Tapped(screen=_category_screen(texts, lang, addition_id, name))
    if field == "c" and value in {c.value for c in Category}:
        await tx.set_addition(addition_id, category=value)
        return Tapped(screen=_distance_screen(texts, lang, addition_id, name))
    if field == "d" and is_id(value) and int(value) in {int(d) for d in Distance}:
        if addition.category is None or not await tx.confirm_addition(addition_id, int(value)):
            return stale
        return Tapped(added=name, round=round_, addition_id=addition_id, check_id=check_id)
    return stale


def _category_screen(texts: Texts, lang: str, addition_id: int, name: str) -> Screen:
    buttons = [
        Button(texts.plain(f"category.{c.value}", lang), ACTION, f"{addition_id}:c:{c.value}")
        for c in Category
    ]
    return Screen(texts.t("optimise.ask_category", lang, name=name), rows(*buttons))


def _distance_screen(texts: Texts, lang: str, addition_id: int, name: str) -> Screen:
    buttons = [
        Button(texts.plain(f"distance.{int(d)}", lang), ACTION, f"{addition_id}:d:{int(d)}")
        for d in Distance
    ]
    return Screen(texts.t("optimise.ask_distance", lang, name=name), rows(*buttons))


def caption(texts: Texts, team: Team, round_: Round, name: str) -> Html:
    """The group's caption of the optimised map."""
    return texts.t("optimise.caption", team.language.value, number=round_.number, name=name)
