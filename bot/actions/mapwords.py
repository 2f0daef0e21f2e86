"""The map in words: who may read it and what a tap shows (the list, a page, one partner)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Services
from bot.dialogs import mapwords
from bot.dialogs.base import Screen, StaleButton
from core.model import Team
from core.protocol import Step

from . import maps


@dataclass
class WordsAnswer:
    """What a tap leads to: screens to show (none when refused) and a short toast key."""

    screens: list[Screen] = field(default_factory=list)
    toast: str | None = None
    # True when the screens replace the tapped message's own (a page, a partner, back).
    in_place: bool = False


async def team_of(services: Services, round_id: int) -> Team | None:
    """The team whose map a button names; None for a round that no longer exists."""
    async with services.store.tx() as tx:
        try:
            round_ = await tx.round(round_id)
        except LookupError:
            return None
        return await tx.team(round_.team_id)


async def tap(
    services: Services,
    team: Team,
    round_id: int,
    user_id: int,
    present: bool,
    action: str,
    arg: str,
) -> WordsAnswer:
    """A facilitator, or someone still in the team's group once the group got this map, reads
    the map in words as the team may see it now; a partner that is gone shows the list again."""
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        leads = user_id == team.principal_user_id or await tx.is_co_facilitator(team.id, user_id)
        shared = round_.step != Step.BRAINSTORM.value and await maps.released(tx, team, round_)
        if round_.step == Step.BRAINSTORM.value or not (leads or (present and shared)):
            return WordsAnswer(toast="words.not_yet")
        view = await mapwords.load(tx, services.texts, team, round_)
    try:
        screens = mapwords.screens(services.texts, view, action, arg)
    except StaleButton:
        return WordsAnswer(mapwords.screens(services.texts, view, "l", ""), toast="words.stale")
    return WordsAnswer(screens, in_place=action != "l")
