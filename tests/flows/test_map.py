"""Step 2B in the group: the merged map after /sluit, merge questions, and /kaart."""

from __future__ import annotations

from datetime import timedelta

from core.merge import name_key

from .conftest import Team, add_partner, onboard, open_round


async def _brainstorm(team: Team) -> None:
    """Three members name partners with variants, then the principal closes the brainstorm."""
    anna, bert, carla = team.members[:3]
    await open_round(team)
    for person in (anna, bert, carla):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, anna, "Ouders", "team", "aanbod", 1)
    await add_partner(team, bert, "Centrum voor Leerlingenbegeleiding", "organisatie", "zorg", 3)
    await add_partner(team, bert, "CLB Gent", "organisatie", "zorg", 2)
    await add_partner(team, carla, "de ouders", "team", "zorg", 2)
    await add_partner(team, carla, "ouderraad", "team", "beleid", 2)
    await team.principal.send("/sluit", chat=team.group)


async def test_the_principal_settles_similar_names_before_the_group_sees_the_map(
    team: Team,
) -> None:
    """After /sluit the principal is asked in private; the group gets ONE photo, the summary as
    its caption, only once the last question is answered."""
    bot = team.bot
    await team.principal.send("/start")
    await _brainstorm(team)
    assert not [m for m in team.group.bot_messages if m.photo is not None]
    assert "De kaart volgt" in team.announcement().plain_text
    # Neither the questions nor their buttons are in the group.
    assert not any(bot.label("btn.merge") in m.button_labels for m in team.group.bot_messages)
    piet = team.principal
    question = next(m for m in piet.messages() if bot.label("btn.merge") in m.button_labels)
    assert question.text.endswith(bot.t("map.suggestion", a="CLB", b="CLB Gent"))
    assert question.text.startswith(bot.t("principal.questions", count=1, when="")[:40])
    await team.members[0].send("/kaart")  # members do not see it before the group either
    assert team.members[0].last().text == bot.t("map.member_not_yet")
    # The tied category of the parents is no question for the principal: the team places it.
    assert not any(bot.label("category.aanbod") in m.button_labels for m in piet.messages())
    await piet.tap(bot.label("btn.merge"), message=question)
    assert question.text == bot.t("map.suggestion_merged", a="CLB", b="CLB Gent")
    photos = [m for m in team.group.bot_messages if m.photo is not None]
    assert len(photos) == 1
    caption = photos[0].plain_text
    assert caption.startswith("De brainstorm is afgesloten.")
    assert "3 partners" in caption and "3 deelnemer" in caption
    assert "Anna" not in caption and "Bert" not in caption
    assert "De kaart volgt" not in team.announcement().plain_text
    assert piet.last().text == bot.t("principal.questions_done")
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
        joined, _apart = await tx.decisions(round_.id)
    assert joined == [tuple(sorted((name_key("CLB"), name_key("CLB Gent"))))]
    await piet.tap(bot.label("btn.apart"), message=question)
    assert piet.last_toast == bot.label("err.stale")


async def test_unanswered_questions_let_the_map_go_after_a_day(team: Team) -> None:
    """The principal does not answer: a day later the ticker posts the map with the names apart."""
    bot = team.bot
    await team.principal.send("/start")
    await _brainstorm(team)
    bot.clock.advance(timedelta(hours=23))
    await bot.tick()
    assert not [m for m in team.group.bot_messages if m.photo is not None]
    bot.clock.advance(timedelta(hours=2))
    for _ in range(8):  # the next weekday morning at the latest
        await bot.tick()
        if [m for m in team.group.bot_messages if m.photo is not None]:
            break
        bot.clock.advance(timedelta(hours=12))
    photos = [m for m in team.group.bot_messages if m.photo is not None]
    assert len(photos) == 1 and "4 partners" in photos[0].plain_text
    # Answering later still counts; the group is not sent the map again for it.
    await team.principal.tap(bot.label("btn.merge"))
    assert len([m for m in team.group.bot_messages if m.photo is not None]) == 1


async def test_moving_on_applies_the_default_first(team: Team) -> None:
    """/prioriteit with questions still open: the group sees the map before the invitation."""
    await team.principal.send("/start")
    await _brainstorm(team)
    await team.principal.send("/prioriteit", chat=team.group)
    photo = next(i for i, m in enumerate(team.group.bot_messages) if m.photo is not None)
    assert team.group.bot_messages[-1].text == team.bot.t("group.priorities_opened", joined=3)
    assert photo < len(team.group.bot_messages) - 1


async def test_kaart_in_the_group_while_names_wait_posts_the_summary_with_the_map(
    team: Team,
) -> None:
    """/kaart in the group before the answers: the default applies, one photo with the summary."""
    await team.principal.send("/start")
    await _brainstorm(team)
    await team.principal.send("/kaart", chat=team.group)
    photos = [m for m in team.group.bot_messages if m.photo is not None]
    assert len(photos) == 1 and photos[0].plain_text.startswith("De brainstorm is afgesloten.")
    assert "De kaart volgt" not in team.announcement().plain_text


async def test_without_questions_the_map_goes_at_once(team: Team) -> None:
    """Nothing to settle: the closing summary and the map are one photo right after /sluit."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    posts = len(team.group.bot_messages)
    await team.principal.send("/sluit", chat=team.group)
    new = team.group.bot_messages[posts:]  # step 1's answers (shared now), then the map
    assert [m.photo is not None for m in new] == [False, True]
    assert new[0].text.startswith(bot.t("share.intro_title", count=1))
    assert new[1].plain_text.startswith("De brainstorm is afgesloten.")
    assert bot.t("principal.questions", count=0, when="") not in [
        m.text for m in team.principal.messages()
    ]


async def test_questions_wait_for_a_principal_without_a_private_chat(team: Team) -> None:
    """The principal never opened the private chat: the questions are kept, the announcement
    asks once, and they arrive as soon as the principal starts the chat."""
    bot = team.bot
    await _brainstorm(team)
    assert bot.label("btn.open_private") in team.announcement().button_labels
    posts = len(team.group.bot_messages)
    await team.principal.tap(bot.label("btn.open_private"), chat=team.group)
    labels = [label for m in team.principal.messages() for label in m.button_labels]
    assert labels.count(bot.label("btn.merge")) == 1
    # A tied category is the team's to place (the second look), not a question to hold.
    assert labels.count(bot.label("category.zorg")) == 0
    assert len(team.group.bot_messages) == posts


async def test_kaart_is_for_the_principal_and_admins(team: Team) -> None:
    """A colleague's /kaart gets a polite answer; before the merge there is no map yet."""
    await open_round(team)
    await team.principal.send("/kaart", chat=team.group)
    assert team.group.last().text == team.bot.t("map.no_map")
    await team.members[1].send("/kaart", chat=team.group)
    assert team.group.last().text == team.bot.t("group.only_admin", name="Bert")


async def test_kaart_in_the_principals_private_chat(team: Team) -> None:
    """The principal can ask for the map in private too; someone who never joined cannot."""
    await _brainstorm(team)
    await team.principal.send("/kaart")
    assert team.principal.last().photo is not None
    await team.members[4].send("/kaart")
    assert team.members[4].last().text == team.bot.t("map.not_principal")


async def test_a_member_sees_the_shared_map_in_private(team: Team) -> None:
    """/kaart in a member's private chat: not before the brainstorm closed, then the map the
    group got; the member's /help says so; no merge question reaches the member."""
    anna = team.members[0]
    bot = team.bot
    await open_round(team)
    await onboard(team, anna)
    await anna.send("/kaart")
    assert anna.last().text == bot.t("map.member_not_yet")
    await add_partner(team, anna, "Sportclub Noord", "organisatie", "aanbod", 2)
    await anna.tap(bot.label("btn.done"))
    await team.principal.send("/sluit", chat=team.group)
    before = len(anna.messages())
    await anna.send("/kaart")
    (photo,) = anna.messages()[before:]
    group_map = [m for m in team.group.bot_messages if m.photo is not None][-1]
    # The same picture; the group's caption also carries the brainstorm's summary.
    assert photo.photo == group_map.photo and (group_map.caption or "").endswith(photo.caption)
    await anna.send("/help")
    assert bot.texts.plain("help.member_map", "nl") in anna.last().plain_text


async def test_export_sends_the_principal_files_without_member_names(team: Team) -> None:
    """/export gives JSON, CSV, GraphML, SVG, an A4 PDF and an A3 poster in private; no member
    name appears."""
    import json

    await _brainstorm(team)
    await team.principal.send("/start")  # the principal opened a private chat
    await team.principal.send("/export", chat=team.group)
    documents = {m.document_name: m.document for m in team.principal.messages() if m.document}
    assert set(documents) == {
        "netwerkkaart-ronde1.json",
        "netwerkkaart-ronde1-partners.csv",
        "netwerkkaart-ronde1-verbanden.csv",
        "netwerkkaart-ronde1.graphml",
        "netwerkkaart-ronde1.svg",
        "netwerkkaart-ronde1.pdf",
        "netwerkkaart-ronde1-affiche-A3.pdf",
    }
    raw = documents["netwerkkaart-ronde1.json"]
    assert raw is not None
    data = json.loads(raw)
    assert data["school"] == "Basisschool De Linde"
    labels = {p["label"] for p in data["partners"]}
    assert labels == {"CLB", "Ouders", "CLB Gent", "Ouderraad"}  # a label starts with a capital
    clb = next(p for p in data["partners"] if p["label"] == "CLB")
    assert clb["mentions"] == 2 and clb["named_by_roles"] == {"leraar": 2}
    assert clb["disputed"] is True and clb["distance"] == 1
    assert data["merge_suggestions"] == [["CLB", "CLB Gent"]]
    assert data["members_by_role"] == {"leraar": 3}
    everything = b"".join(d for d in documents.values() if d)
    for name in (b"Anna", b"Bert", b"Carla", b"Piet"):
        assert name not in everything


async def test_export_without_a_private_chat_explains_how(team: Team) -> None:
    """When the principal never opened a private chat, the group is told what to do."""
    await _brainstorm(team)
    await team.principal.send("/export", chat=team.group)
    assert team.group.last().text == team.bot.t("export.open_private")


async def test_the_principal_edits_the_map_in_private(team: Team) -> None:
    """/bewerk: rename, recategorise, merge and split; the members' post-its stay untouched."""
    import json

    await _brainstorm(team)
    bot = team.bot
    piet = team.principal
    await piet.send("/bewerk")
    assert "4 partners" in piet.last().plain_text
    await piet.tap("Ouderraad")  # the label, with a capital
    await piet.tap(bot.label("btn.rename"))
    await piet.send("Ouderraad De Linde")
    assert "Ouderraad De Linde" in piet.last().plain_text
    await piet.tap(bot.label("btn.category"))
    await piet.tap(bot.label("category.beleid"))
    await piet.tap(bot.label("btn.to_list"))
    await piet.tap("CLB Gent")
    await piet.tap(bot.label("btn.merge_with"))
    await piet.tap("CLB")
    assert bot.t("editor.merged", a="CLB Gent", b="CLB") in piet.last().text
    await piet.tap(bot.label("btn.split"))
    await piet.send("/export")
    raw = next(m.document for m in reversed(piet.messages()) if m.document_name
               and m.document_name.endswith(".json"))  # fmt: skip
    assert raw is not None
    labels = {p["label"]: p for p in json.loads(raw)["partners"]}
    assert "Ouderraad De Linde" in labels and labels["Ouderraad De Linde"]["category"] == "beleid"
    # Split undoes the merge: names that are written differently become separate partners again.
    assert {"CLB", "CLB Gent"} <= set(labels)
    assert labels["CLB"]["mentions"] == 2
    async with bot.store.tx() as tx:
        texts = [m.text for m in await tx.mentions((await tx.latest_round_of(1)).id)]
    assert "ouderraad" in texts and "CLB Gent" in texts


async def test_only_the_principal_can_edit(team: Team) -> None:
    """A member's /bewerk is refused politely."""
    await _brainstorm(team)
    await team.members[0].send("/bewerk")
    assert team.members[0].last().text == team.bot.t("map.not_principal")


async def test_the_principals_questions_come_one_by_one_in_one_message(team: Team) -> None:
    """Two pairs of similar names: one message asks the first; each answer edits it into the
    next question, so the principal's chat does not fill with questions."""
    bot = team.bot
    piet = team.principal
    await piet.send("/start")
    await open_round(team)
    anna, bert = team.members[:2]
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, anna, "Chiro", "organisatie", "aanbod", 3)
    await add_partner(team, bert, "CLB Gent", "organisatie", "zorg", 2)
    await add_partner(team, bert, "Jeugdbeweging Chiro", "organisatie", "aanbod", 3)
    before = len(piet.messages())
    await piet.send("/sluit", chat=team.group)
    asked = [m for m in piet.messages()[before:] if bot.label("btn.merge") in m.button_labels]
    assert len(asked) == 1
    question = asked[0]
    assert bot.t("principal.questions", count=2, when="")[:60] in question.text
    assert bot.t("map.questions_left", count=1) in question.text
    pairs = [("CLB", "CLB Gent"), ("Chiro", "Jeugdbeweging Chiro")]
    if not question.text.endswith(bot.t("map.suggestion", a="CLB", b="CLB Gent")):
        pairs.reverse()
    (a, b), (c, d) = pairs
    await piet.tap(bot.label("btn.merge"), message=question)
    assert question.text.startswith(bot.t("map.suggestion_merged", a=a, b=b))
    assert question.text.endswith(bot.t("map.suggestion", a=c, b=d))
    assert bot.label("btn.merge") in question.button_labels  # now the second question
    assert bot.t("map.questions_left", count=1) not in question.text
    assert not [m for m in team.group.bot_messages if m.photo is not None]
    await piet.tap(bot.label("btn.apart"), message=question)
    assert question.text == bot.t("map.suggestion_apart", a=c, b=d)
    assert question.button_labels == []
    assert [m for m in team.group.bot_messages if m.photo is not None]
    assert piet.last().text == bot.t("principal.questions_done")
    asked = [m for m in piet.messages()[before:] if bot.label("btn.merge") in m.button_labels]
    assert asked == []
