"""Step 2B in the group: the merged map after /sluit, merge questions, and /kaart."""

from __future__ import annotations

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


async def test_closing_the_brainstorm_posts_the_merged_map(team: Team) -> None:
    """The group gets one photo of the map; variants are merged, names of members never shown."""
    await _brainstorm(team)
    photos = [m for m in team.group.bot_messages if m.photo is not None]
    assert len(photos) == 1
    caption = photos[0].plain_text
    assert "4 partners" in caption and "3 deelnemer" in caption
    assert "Anna" not in caption and "Bert" not in caption


async def test_the_principal_answers_merge_questions(team: Team) -> None:
    """'CLB' and 'CLB Gent' are asked about; only the principal's answer counts."""
    await _brainstorm(team)
    bot = team.bot
    question = team.group.last()
    assert question.text == bot.t("map.suggestion", a="CLB", b="CLB Gent")
    await team.members[0].tap(bot.label("btn.merge"), chat=team.group)
    assert team.members[0].last_toast == bot.label("map.only_principal")
    await team.principal.tap(bot.label("btn.merge"), chat=team.group)
    assert question.text == bot.t("map.suggestion_merged", a="CLB", b="CLB Gent")
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
        joined, _apart = await tx.decisions(round_.id)
    assert joined == [tuple(sorted((name_key("CLB"), name_key("CLB Gent"))))]
    await team.principal.tap(bot.label("btn.apart"), message=question, chat=team.group)
    assert team.principal.last_toast == bot.label("err.stale")
    await team.principal.send("/kaart", chat=team.group)
    assert "3 partners" in team.group.last().plain_text


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
    assert photo.photo == group_map.photo and photo.caption == group_map.caption
    await anna.send("/help")
    assert bot.texts.plain("help.member_map", "nl") in anna.last().plain_text


async def test_export_sends_the_principal_files_without_member_names(team: Team) -> None:
    """/export gives JSON, CSV, GraphML, SVG and PDF in private; no member name appears."""
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
    }
    raw = documents["netwerkkaart-ronde1.json"]
    assert raw is not None
    data = json.loads(raw)
    assert data["school"] == "Basisschool De Linde"
    labels = {p["label"] for p in data["partners"]}
    assert labels == {"CLB", "Ouders", "CLB Gent", "ouderraad"}
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


async def test_a_category_tie_is_settled_by_the_principal(team: Team) -> None:
    """Two members split on a category: the principal is asked and the map follows the answer."""
    import json

    await open_round(team)
    anna, bert = team.members[:2]
    bot = team.bot
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "Ouders", "team", "zorg", 1)
    await add_partner(team, bert, "ouders", "team", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    question = team.group.last()
    assert "Ouders" in question.plain_text
    assert question.button_labels == [bot.label("category.zorg"), bot.label("category.aanbod")]
    await anna.tap(bot.label("category.aanbod"), chat=team.group)
    assert anna.last_toast == bot.label("map.only_principal")
    await team.principal.tap(bot.label("category.aanbod"), chat=team.group)
    assert question.text == bot.t(
        "map.tie_settled", name="Ouders", category=bot.label("category.aanbod")
    )
    await team.principal.send("/start")
    await team.principal.send("/export")
    raw = next(m.document for m in team.principal.messages() if m.document_name
               and m.document_name.endswith(".json"))  # fmt: skip
    assert raw is not None
    (ouders,) = json.loads(raw)["partners"]
    assert ouders["category"] == "aanbod" and ouders["category_tie"] == []


async def test_the_principal_edits_the_map_in_private(team: Team) -> None:
    """/bewerk: rename, recategorise, merge and split; the members' post-its stay untouched."""
    import json

    await _brainstorm(team)
    bot = team.bot
    piet = team.principal
    await piet.send("/bewerk")
    assert "4 partners" in piet.last().plain_text
    await piet.tap("ouderraad")
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
