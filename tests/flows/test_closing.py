"""Step 4: the seven closing questions, absences, and the metaphors on the map."""

from __future__ import annotations

from .conftest import Team, add_partner, numberless, onboard, open_round


async def _map(team: Team) -> None:
    await open_round(team)
    anna, bert = team.members[:2]
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "clb", "organisatie", "zorg", 2)
    await add_partner(team, bert, "Ouders", "team", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)


async def test_closing_questions_absences_and_metaphor_caption(team: Team) -> None:
    """Seven questions (skippable), an absence with why and steps, shared at /sluit."""
    await _map(team)
    bot = team.bot
    anna, bert = team.members[:2]
    await team.principal.send("/afsluiter", chat=team.group)
    q1 = anna.last()
    assert bot.texts.plain("CLOSE.Q1", "nl") in q1.plain_text
    assert "parachute" in q1.plain_text
    await anna.send("Een spinnenweb: alles hangt samen.")
    # A short "kept", never the question with its 43-word example again.
    assert anna.last().text == bot.t("closing.saved")
    assert anna.last().button_labels == [bot.label("btn.next_question")]
    for _ in range(3):
        await anna.tap(bot.label("btn.next_question") if _ == 0 else bot.label("btn.skip"))
    q4 = anna.last()
    assert bot.texts.plain("CLOSE.Q4", "nl") in q4.plain_text
    await anna.tap(bot.label("btn.add_absence"))
    await anna.send("Kinderopvang")
    await anna.send("We zien ze elke dag maar denken er niet aan.")
    await anna.tap(bot.label("btn.skip"))
    assert "Kinderopvang" in anna.last().plain_text
    await anna.tap(bot.label("btn.skip"))
    q5 = anna.last()
    assert "CLB (2), Ouders (1)" in q5.plain_text
    for _ in range(3):
        await anna.tap(bot.label("btn.skip"))
    assert anna.last().text == bot.t("closing.done")
    await bert.send("/start")
    assert bot.texts.plain("CLOSE.Q1", "nl") in bert.last().plain_text
    assert not any("spinnenweb" in m.plain_text for m in team.group.messages)
    await team.principal.send("/sluit", chat=team.group)
    shared = "\n".join(m.plain_text for m in team.group.bot_messages)
    # Two teachers: fewer than three share the role, so it is not named.
    assert "Deelnemer N (andere functie): Een spinnenweb: alles hangt samen." in numberless(shared)
    assert "(leraar)" not in shared
    why = "We zien ze elke dag maar denken er niet aan."
    assert f"Kinderopvang – waarom niet genoemd: {why}; stappen: –" in shared
    assert anna.last().text == bot.t("member.closing_closed")
    # The metaphors join the map the group gets with step 5, not a map more now.
    assert team.group.bot_messages[-1].photo is None
    await team.principal.send("/afronden", chat=team.group)
    photo = team.group.bot_messages[-1]
    assert photo.photo is not None
    assert "Metafoor: Een spinnenweb: alles hangt samen." in photo.plain_text


async def test_afsluiter_needs_the_map(team: Team) -> None:
    """During the brainstorm the closing step cannot start."""
    await open_round(team)
    await team.principal.send("/afsluiter", chat=team.group)
    assert team.group.last().text == team.bot.t("group.closing_not_now")
