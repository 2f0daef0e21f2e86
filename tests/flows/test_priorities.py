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
    assert ask.text == bot.t("priority.ask", count=3)
    assert ask.button_labels == ["Bibliotheek", "CLB", "Ouders"]
    # The step's invitation in the group; the protocol's instruction to a facilitator at a
    # table ("Laat alle deelnemers ... omcirkelen", "Voorzie stiften") reaches no one.
    opened = bot.t("group.priorities_opened", joined=3)
    assert any(m.text == opened for m in team.group.bot_messages)
    seen = [m.plain_text for m in (*team.group.bot_messages, *anna.inbox)]
    assert not any(bot.texts.plain("PRIO.I", "nl") in text for text in seen)
    assert not any("stiften" in text for text in seen)
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
    # True for the step the round is at: not "the brainstorm is closed".
    assert anna.last().text == bot.t("member.waiting_later")


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


async def _long_map(team: Team) -> None:
    """61 partners: CLB named by three members, 60 more by Dirk (pasted, answered later)."""
    await open_round(team)
    anna, bert, carla, dirk = team.members[:4]
    for person in (anna, bert, carla, dirk):
        await onboard(team, person)
    for person in (anna, bert, carla):
        await add_partner(team, person, "CLB", "organisatie", "zorg", 1)
    await dirk.send("\n".join(f"Partner {number:02d}" for number in range(1, 61)))
    for _ in range(60):
        await dirk.tap(team.bot.label("btn.later"))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)


async def test_with_61_partners_any_is_a_typed_name_and_a_tap_away(team: Team) -> None:
    """The most named partner comes first; paging edits the same message and drops the
    instruction; a typed (part of a, misspelt) name offers the partner to tap."""
    await _long_map(team)
    bot = team.bot
    anna = team.members[0]
    ask = anna.last()
    assert ask.text == bot.t("priority.ask", count=61)
    assert ask.button_labels[0] == "CLB"
    before = len(anna.inbox)
    await anna.tap(bot.label("btn.more"))
    assert len(anna.inbox) == before and anna.last() is ask
    assert ask.text == bot.t("priority.page", page=2, pages=8)
    await anna.tap(bot.label("btn.previous"))
    assert ask.text == bot.t("priority.ask", count=61)
    # Two actions for any partner: the typed name, then the tap.
    await anna.send("partner 47")
    found = anna.last()
    assert found.text == bot.t("priority.found", count=len(found.button_labels) - 1)
    assert found.button_labels[0] == "Partner 47"
    await anna.tap("Partner 47")
    assert anna.last().text == bot.t("priority.reason", name="Partner 47")
    # A typo still finds it; a name that fits nothing says so and shows the first page.
    await anna.tap(bot.label("btn.other_pick"))
    await anna.send("Parnter 12")
    assert "Partner 12" in anna.last().button_labels
    await anna.send("Zwembad")
    assert anna.last().text.startswith(bot.t("priority.not_found", text="Zwembad"))
    assert anna.last().button_labels[0] == "CLB"


async def test_a_typed_name_after_picking_changes_the_pick(team: Team) -> None:
    """After a pick, typing another partner's name offers it; tapping it changes the pick."""
    await _map_ready(team)
    bot = team.bot
    anna = team.members[0]
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap("CLB")
    await anna.tap(bot.label("btn.skip"))
    await anna.send("bib")
    assert anna.last().button_labels[0] == "Bibliotheek"
    await anna.tap("Bibliotheek")
    await anna.tap(bot.label("btn.skip"))
    assert anna.last().text.startswith(bot.t("priority.done", name="Bibliotheek"))


async def test_the_merge_runs_once_per_change_not_on_every_tap(team: Team) -> None:
    """Paging and picking read the merged map from the cache; the principal's merge decision
    is a change: the next screen shows the partners merged."""
    from bot.dialogs import mapview

    await _map_ready(team)
    bot = team.bot
    anna, bert = team.members[:2]
    await team.principal.send("/prioriteit", chat=team.group)
    computed = mapview.MERGES.computed
    await anna.tap("Ouders")
    await anna.tap(bot.label("btn.other_pick"))
    await bert.send("bib")  # a typed name looks the partner up
    await bert.tap("Bibliotheek")
    await bert.tap(bot.label("btn.skip"))
    assert mapview.MERGES.computed == computed
    piet = team.principal
    await piet.send("/bewerk")
    await piet.tap("Bibliotheek")
    await piet.tap(bot.label("btn.merge_with"))
    await piet.tap("Ouders")
    assert mapview.MERGES.computed == computed + 1
    await anna.tap("Bibliotheek")
    await anna.tap(bot.label("btn.other_pick"))
    assert anna.last().text.startswith(bot.t("priority.ask", count=2))
    assert mapview.MERGES.computed == computed + 1


async def test_after_a_restart_the_first_tap_finds_the_merge_ready(team: Team) -> None:
    """A new process merges the open round once while it starts: the first member's tap
    afterwards reads the map from the cache, as every tap before the restart did."""
    from bot.dialogs import mapview

    await _map_ready(team)
    bot = team.bot
    anna = team.members[0]
    await team.principal.send("/prioriteit", chat=team.group)
    computed = mapview.MERGES.computed
    await bot.restart()
    assert mapview.MERGES.computed == computed + 1  # while starting
    await anna.tap("Ouders")
    await anna.tap(bot.label("btn.skip"))
    assert anna.last().text.startswith(bot.t("priority.done", name="Ouders"))
    assert mapview.MERGES.computed == computed + 1
