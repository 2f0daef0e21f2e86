"""Step 2C: every member circles exactly one priority partner, in private, until closed."""

from __future__ import annotations

from core.model import Role

from .conftest import Team, add_partner, onboard, open_round


async def _map_ready(team: Team) -> None:
    await open_round(team)
    anna, bert, carla = team.members[:3]
    for person in (anna, bert, carla):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "Ouders", "team", "aanbod", 1)
    await add_partner(team, carla, "Bibliotheek", "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)


async def test_members_pick_one_partner_and_may_change_it(team: Team) -> None:
    """A pick, a reason, a change of mind: one pick per member is stored, with its reason."""
    await _map_ready(team)
    bot = team.bot
    anna = team.members[0]
    await team.principal.send("/prioriteit", chat=team.group)
    ask = anna.last()
    assert bot.texts.plain("PRIO.I", "nl") in ask.plain_text
    assert ask.button_labels == ["Bibliotheek", "CLB", "Ouders"]
    await anna.tap("CLB")
    assert anna.last().text == bot.t("priority.reason", name="CLB")
    await anna.send("Onmisbaar voor zorg.")
    await anna.tap(bot.label("btn.other_pick"))
    await anna.tap("Ouders")
    await anna.tap(bot.label("btn.skip"))
    assert anna.last().text.startswith(bot.t("priority.done", name="Ouders"))
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
        picks = await tx.priorities(round_.id)
    assert len(picks) == 1
    role, _, reason = picks[0]
    assert role is Role.LERAAR and reason is None


async def test_the_group_sees_counts_until_closing_then_the_map(team: Team) -> None:
    """Picks stay private until /sluit; then the map with the picks is posted."""
    await _map_ready(team)
    bot = team.bot
    anna, bert = team.members[:2]
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap("CLB")
    await bert.tap("CLB")
    await team.principal.send("/status", chat=team.group)
    assert "2 van 3" in team.group.last().plain_text
    assert all("CLB" not in m.plain_text for m in team.group.bot_messages if m.photo is None)
    photos_before = sum(1 for m in team.group.bot_messages if m.photo is not None)
    await team.principal.send("/sluit", chat=team.group)
    assert sum(1 for m in team.group.bot_messages if m.photo is not None) == photos_before + 1
    assert anna.last().text == bot.t("member.priorities_closed")
    assert team.members[2].last().text == bot.t("member.priorities_closed_none")
    await anna.send("/start")
    assert anna.last().text == bot.t("member.waiting")


async def test_priorities_need_the_merged_map_first(team: Team) -> None:
    """/prioriteit during the brainstorm explains the order of the steps."""
    await open_round(team)
    await team.principal.send("/prioriteit", chat=team.group)
    assert team.group.last().text == team.bot.t("group.priorities_not_yet")


async def test_a_stale_pick_button_does_nothing(team: Team) -> None:
    """Tapping a partner on an old pick screen after choosing is refused kindly."""
    await _map_ready(team)
    bot = team.bot
    anna = team.members[0]
    await team.principal.send("/prioriteit", chat=team.group)
    screen = anna.last()
    await anna.tap("CLB")
    await anna.tap("Ouders", message=screen)
    assert anna.last_toast == bot.label("err.stale")
