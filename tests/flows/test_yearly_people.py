"""The yearly comparison follows people: what a reviewer did, not what a median did."""

from __future__ import annotations

from .conftest import Team, add_partner, onboard, register
from .test_yearly import MONDAY_10, _second_round


async def test_a_partner_a_reviewer_moved_closer_is_never_reported_further(team: Team) -> None:
    """Anna placed CLB in the middle, Bert and Carla close by; a year later only Anna takes
    part and moves it a ring closer. The team's median went out (0 -> 1), Anna moved it in:
    the comparison says closer, and that other people took part."""
    bot = team.bot
    anna, bert, carla = team.members[:3]
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/ronde", chat=team.group)
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 2)
    for person in (bert, carla):
        await onboard(team, person)
        await add_partner(team, person, "CLB", "organisatie", "zorg", 0)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)
    await _second_round(team)
    await onboard(team, anna)
    await anna.tap(bot.label("btn.review_closer"))  # CLB: tussenin -> dichtbij
    await anna.tap(bot.label("btn.done"))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/kaart vergelijk")
    photo, summary = team.principal.messages()[-2:]
    text = summary.plain_text
    closer = f"CLB ({bot.label('distance.2')} → {bot.label('distance.1')})"
    assert closer in text
    assert bot.label("distance.0") not in text  # never "from in school, further out"
    differ = bot.t("follow.people_differ", left=2, joined=0, both=1)
    assert differ in summary.text
    assert bot.t("compare.caption", old_round=1, new_round=2, kept=1, new=0, dropped=0,
                 moved=1) == photo.caption  # fmt: skip
