"""Progress in the group, closing the brainstorm, own data, and what others never see."""

from __future__ import annotations

from core.protocol import Stage, Step

from .conftest import Team, add_partner, onboard, open_round


async def test_group_sees_counts_never_content(team: Team) -> None:
    """Until the protocol shares them, no partner and no answer appears in the group."""
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna, answer="Geheim antwoord van Anna")
    await bert.tap(team.bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await add_partner(team, anna, "Kinderopvang Zonnetje", "organisatie", "zorg", 2)
    await anna.tap(team.bot.label("btn.done"))
    group_text = "\n".join(m.plain_text for m in team.group.messages)
    assert "Kinderopvang" not in group_text
    assert "Geheim antwoord" not in group_text
    assert "Klaar met de brainstorm: 1 van 2" in team.announcement().plain_text
    await team.members[2].send("/status", chat=team.group)
    assert "1 van 2" in team.group.last().plain_text


async def test_closing_the_brainstorm_shares_step_1_with_names_if_chosen(team: Team) -> None:
    """When the principal moves on, step 1 is shared anyway; /namen aan shows first names."""
    await open_round(team)
    anna, bert = team.members[:2]
    await team.principal.send("/namen aan", chat=team.group)
    await onboard(team, anna, answer="Van elkaar leren.")
    await bert.tap(team.bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await team.principal.send("/sluit", chat=team.group)
    summary = next(m for m in team.group.bot_messages if "Van elkaar leren." in m.plain_text)
    # With names, a role fewer than three share is left out rather than named.
    assert "Anna: Van elkaar leren." in summary.plain_text
    assert "Bert" not in summary.plain_text  # who skipped is not listed, only how many
    assert team.bot.texts.plain("share.skipped_count", "nl", count=1).strip() in (summary.text)


async def test_a_member_never_sees_another_members_partners(team: Team) -> None:
    """Bert's DM and list never contain Anna's post-its."""
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "Kinderopvang Zonnetje", "organisatie", "zorg", 2)
    await bert.send("/lijst")
    await bert.send("/mijngegevens")
    assert all("Kinderopvang" not in m.plain_text for m in bert.messages())


async def test_principal_closes_the_brainstorm_and_members_are_told(team: Team) -> None:
    """/sluit closes step 2A; finished and unfinished members each get their own message."""
    await open_round(team)
    anna, bert, carla = team.members[:3]
    bot = team.bot
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.tap(bot.label("btn.done"))
    await add_partner(team, bert, "ouders", "team", "aanbod", 1)
    await bert.send("CGG")  # still being classified when the step closes
    await carla.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await team.principal.send("/sluit", chat=team.group)

    # Each is told, then invited to the second look at the map (not who is still onboarding).
    assert anna.messages()[-2].text == bot.t("member.closed_finished")
    assert bert.messages()[-2].text == bot.t("member.closed_unfinished", count=2)
    for person in (anna, bert):
        assert person.last().text.startswith(bot.t("look.invite"))
    assert carla.last().text == bot.t("member.closed_onboarding")
    # The summary is the caption of the map (one photo).
    summary = bot.t("group.brainstorm_closed", finished=1, joined=3, postits=3)
    assert [m for m in team.group.bot_messages if m.photo and summary in (m.caption or "")]
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
        bert_member = await tx.active_member(bert.user.id)
        bert_postits = await tx.postits(bert_member.id)
    assert round_ is not None and round_.step == Step.BRAINSTORM_CLOSED.value
    assert Stage(bert_member.stage) is Stage.LOOK  # the second look at the map runs
    assert [p.text for p in bert_postits] == ["ouders", "CGG"]


async def test_after_closing_old_buttons_and_new_partners_are_refused_kindly(team: Team) -> None:
    """A button from before /sluit is stale; a partner typed afterwards is one the member
    misses on the map (the second look), asked like any new partner."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await onboard(team, bert)
    await bert.send("CGG")
    question = bert.last()
    await team.principal.send("/sluit", chat=team.group)
    await bert.tap(bot.label("distance.1"), message=question)
    assert bert.last_toast == bot.label("err.stale")
    await bert.send("Nog een partner")
    assert bert.last().text == bot.t("brainstorm.ask_kind", name="Nog een partner")
    async with bot.store.tx() as tx:
        member = await tx.active_member(bert.user.id)
        postits = await tx.postits(member.id)
        look = await tx.look_of(member.round_id)
        assert look is not None
        added = await tx.look_postit_ids(look.id)
    assert [(p.text, p.kind) for p in postits] == [("CGG", None), ("Nog een partner", None)]
    assert added == {postits[1].id}


async def test_only_the_principal_or_an_admin_closes(team: Team) -> None:
    """A colleague's /sluit is refused and the brainstorm stays open."""
    await open_round(team)
    await team.members[0].send("/sluit", chat=team.group)
    assert team.group.last().text == team.bot.t("group.only_admin", name="Anna")
    async with team.bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
    assert round_ is not None and round_.step == Step.BRAINSTORM.value


async def test_my_data_shows_everything_stored(team: Team) -> None:
    """/mijngegevens lists the school, role, answers and partners of the person."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna, answer="Samen leren met de buurt.")
    await add_partner(team, anna, "Bibliotheek", "organisatie", "aanbod", 2)
    await anna.send("/mijngegevens")
    text = anna.last().plain_text
    for expected in ("Basisschool De Linde", "Leraar", "Samen leren met de buurt.", "Bibliotheek"):
        assert expected in text


async def test_forget_me_deletes_after_confirmation(team: Team) -> None:
    """/vergeetmij asks first; 'Nee' keeps everything, 'Ja' deletes it and updates the counts."""
    await open_round(team)
    anna, bert = team.members[:2]
    bot = team.bot
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.send("/vergeetmij")
    await anna.tap(bot.label("btn.forget_no"))
    assert anna.last().text == bot.t("forget.cancelled")
    await anna.send("/vergeetmij")
    await anna.tap(bot.label("btn.forget_yes"))
    said = anna.last().text
    assert bot.t("forget.kind.memberships", count=1) in said
    assert bot.t("forget.kind.postits", count=1) in said
    assert bot.t("forget.done_end") in said
    async with bot.store.tx() as tx:
        data = await tx.personal_data(anna.user.id)
        rows = await tx._all("SELECT COUNT(*) AS n FROM postits")
    assert data.memberships == []
    assert rows[0]["n"] == 0
    assert "Aangemeld: 1" in team.announcement().plain_text
    await anna.send("/mijngegevens")
    assert anna.last().text == bot.t("mydata.none")


async def test_teams_never_see_each_others_data(team: Team) -> None:
    """A second school's group runs its own round; its link does not join the first team."""
    bot = team.bot
    other_principal = bot.fake.person("Rita")
    other_group = bot.fake.add_group(
        "Team Sint-Jan", creator=other_principal.user, admins=[], members=[]
    )
    await open_round(team)
    await other_principal.send("/start", chat=other_group)
    await other_principal.send("VBS Sint-Jan", chat=other_group, reply_to=other_group.last())
    await other_principal.send("/ronde", chat=other_group)
    other_link = [m for m in other_group.messages if bot.label("btn.join") in m.button_labels][-1]
    anna = team.members[0]
    await anna.tap(bot.label("btn.join"), message=other_link, chat=other_group)
    assert anna.last().text == bot.t("dm.not_member", school="VBS Sint-Jan")
    assert "Aangemeld: 0" in other_link.plain_text
