"""Step 2A in private: partners with kind, category and distance; list, edit, delete, done."""

from __future__ import annotations

from core.model import Category, Distance, Kind
from core.protocol import Stage

from .conftest import Team, add_partner, onboard, open_round


async def _postits(team: Team, person):  # type: ignore[no-untyped-def]
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
        return await tx.postits(member.id)


async def _stage(team: Team, person) -> Stage:  # type: ignore[no-untyped-def]
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
    return Stage(member.stage)


async def test_a_partner_gets_kind_category_and_distance(team: Team) -> None:
    """One message, three button questions, and the post-it is stored with all three."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await anna.send("Sportclub Noord")
    assert anna.last().text == bot.t("brainstorm.ask_kind", name="Sportclub Noord")
    await anna.tap(bot.label("kind.organisatie"))
    assert anna.last().text == bot.t("brainstorm.ask_category", name="Sportclub Noord")
    assert len(anna.last().button_labels) == len(Category) + 1
    await anna.tap(bot.label("category.zorg"))
    assert anna.last().text == bot.t("brainstorm.ask_distance", name="Sportclub Noord")
    await anna.tap(bot.label("distance.1"))
    (postit,) = await _postits(team, anna)
    assert (postit.text, postit.kind, postit.category, postit.distance) == (
        "Sportclub Noord",
        Kind.ORGANISATIE,
        Category.ZORG,
        Distance.DICHTBIJ,
    )
    assert anna.last().plain_text.startswith("✓ Sportclub Noord")


async def test_one_message_per_partner(team: Team) -> None:
    """The question message is edited through kind, category and distance and becomes the
    confirmation; each tap's toast says what was chosen."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await anna.send("Sportclub Noord")
    question, before = anna.last(), len(anna.inbox)
    answer = await anna.tap(bot.label("kind.team"))
    assert answer is not None and answer.get("text") == bot.label("kind.team")
    assert question.text == bot.t("brainstorm.ask_category", name="Sportclub Noord")
    await anna.tap(bot.label("category.zorg"))
    assert question.text == bot.t("brainstorm.ask_distance", name="Sportclub Noord")
    await anna.tap(bot.label("distance.2"))
    assert len(anna.inbox) == before and anna.last() is question
    assert question.plain_text.startswith("✓ Sportclub Noord")
    assert bot.label("btn.done") in question.button_labels


async def test_a_well_known_partner_takes_one_tap(team: Team) -> None:
    """CLB's usual kind and category are offered, never filled in silently: one tap on the
    distance confirms all three, in the same message."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await anna.send("clb")
    question, before = anna.last(), len(anna.inbox)
    assert question.text == (
        bot.t(
            "brainstorm.ask_known",
            name="clb",
            kind=bot.label("kind.organisatie"),
            category=bot.label("category.zorg"),
        )
        + "\n"
        + bot.t("brainstorm.scale_explained")
    )
    assert bot.label("btn.something_else") in question.button_labels
    (waiting,) = await _postits(team, anna)
    assert (waiting.kind, waiting.category, waiting.distance) == (None, None, None)
    await anna.tap(bot.label("distance.1"))
    (postit,) = await _postits(team, anna)
    assert (postit.kind, postit.category, postit.distance) == (
        Kind.ORGANISATIE,
        Category.ZORG,
        Distance.DICHTBIJ,
    )
    assert len(anna.inbox) == before and anna.last() is question
    assert question.plain_text.startswith("✓ clb")
    # The scale was explained with the first partner: the next well-known one is short.
    await anna.send("OCMW")
    assert bot.t("brainstorm.scale_explained") not in anna.last().text


async def test_a_well_known_partner_can_be_something_else(team: Team) -> None:
    """'Iets anders' asks the three questions as for any partner, in the same message."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await onboard(team, bert)
    await bert.send("Pedagogische begeleidingsdienst")
    question = bert.last()
    await bert.tap(bot.label("btn.something_else"))
    assert bert.last() is question
    assert question.text == bot.t("brainstorm.ask_kind", name="Pedagogische begeleidingsdienst")
    await bert.tap(bot.label("kind.individu"))
    await bert.tap(bot.label("category.stage"))
    await bert.tap(bot.label("distance.3"))
    (postit,) = await _postits(team, bert)
    assert (postit.kind, postit.category) == (Kind.INDIVIDU, Category.STAGE)
    assert question.plain_text.startswith("✓ Pedagogische begeleidingsdienst")


async def test_the_distance_scale_is_explained_once_and_on_request(team: Team) -> None:
    """The first distance question explains the scale; later ones are short, with a button
    that shows the explanation again in the same message."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.send("Ouderraad")
    await anna.tap(bot.label("kind.team"))
    await anna.tap(bot.label("category.beleid"))
    question = anna.last()
    assert question.text == bot.t("brainstorm.ask_distance_short", name="Ouderraad")
    await anna.tap(bot.label("btn.explain_scale"))
    assert anna.last() is question
    assert question.text == bot.t("brainstorm.ask_distance", name="Ouderraad")
    assert bot.label("btn.explain_scale") not in question.button_labels
    await anna.tap(bot.label("distance.3"))
    assert question.plain_text.startswith("✓ Ouderraad")


async def test_later_leaves_the_partners_questions_open(team: Team) -> None:
    """'Later invullen' leaves the rest of this partner's questions open in one tap; the list
    says what is still open."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await onboard(team, bert)
    await bert.send("ouders")
    await bert.tap(bot.label("kind.individu"))
    await bert.tap(bot.label("btn.later"))
    (postit,) = await _postits(team, bert)
    assert postit.kind is Kind.INDIVIDU
    assert postit.category is None and postit.distance is None
    assert await _stage(team, bert) is Stage.BRAINSTORM
    await bert.send("CLB")
    await bert.tap(bot.label("btn.later"))
    assert bert.last().plain_text.startswith("✓ CLB")
    await bert.tap(bot.label("btn.my_list", count=2))
    assert bot.label("label.unknown") in bert.last().plain_text


async def test_a_pasted_list_becomes_one_post_it_per_line(team: Team) -> None:
    """Several lines at once are several partners, asked about one after the other."""
    await open_round(team)
    carla = team.members[2]
    bot = team.bot
    await onboard(team, carla)
    await carla.send("- CLB\n- ouderraad\n- pedagogische begeleidingsdienst")
    assert [p.text for p in await _postits(team, carla)] == [
        "CLB",
        "ouderraad",
        "pedagogische begeleidingsdienst",
    ]
    await carla.tap(bot.label("distance.2"))  # CLB: its usual kind and category confirmed
    await carla.tap(bot.label("kind.team"))
    await carla.tap(bot.label("category.beleid"))
    await carla.tap(bot.label("distance.2"))
    await carla.tap(bot.label("distance.2"))  # the pedagogical guidance service, the same
    assert all(p.is_complete for p in await _postits(team, carla))
    assert [p.category for p in await _postits(team, carla)] == [
        Category.ZORG,
        Category.BELEID,
        Category.PROFESSIONALISERING,
    ]
    assert await _stage(team, carla) is Stage.BRAINSTORM


async def test_typing_during_the_questions_queues_the_new_partner(team: Team) -> None:
    """A name sent while a post-it is being classified is kept and asked about next."""
    await open_round(team)
    dirk = team.members[3]
    bot = team.bot
    await onboard(team, dirk)
    await dirk.send("Sportclub Noord")
    await dirk.send("Bakkerij Peeters")
    assert dirk.last().plain_text.startswith("Genoteerd: Bakkerij Peeters")
    assert bot.t("brainstorm.ask_kind", name="Sportclub Noord") in dirk.last().text
    for _ in range(2):
        await dirk.tap(bot.label("kind.organisatie"))
        await dirk.tap(bot.label("category.zorg"))
        await dirk.tap(bot.label("distance.3"))
    assert [p.text for p in await _postits(team, dirk)] == ["Sportclub Noord", "Bakkerij Peeters"]
    assert all(p.is_complete for p in await _postits(team, dirk))


async def test_the_same_partner_twice_is_not_added_twice(team: Team) -> None:
    """'clb' after 'CLB' is recognised as already in the list."""
    await open_round(team)
    els = team.members[4]
    await onboard(team, els)
    await add_partner(team, els, "CLB", "organisatie", "zorg", 1)
    await els.send(" clb ")
    assert team.bot.t("brainstorm.duplicate", name="clb") in els.last().text
    assert len(await _postits(team, els)) == 1


async def test_a_member_list_normalises_names_as_the_map_does(team: Team) -> None:
    """'C.L.B.', the full name or a plural after the short form are one partner in the member's
    own list too, told in words that name the post-it already there; a rename onto another
    spelling of a listed partner is refused the same way."""
    await open_round(team)
    els = team.members[4]
    bot = team.bot
    await onboard(team, els)
    await add_partner(team, els, "CLB", "organisatie", "zorg", 1)
    await els.send("C.L.B.")
    assert bot.t("names.duplicate_as", name="C.L.B.", existing="CLB") in els.last().text
    await els.send("Centrum voor Leerlingenbegeleiding")
    assert (
        bot.t("names.duplicate_as", name="Centrum voor Leerlingenbegeleiding", existing="CLB")
        in els.last().text
    )
    await els.send("Huisarts\nhuisartsen\nHoGent\nHogeschool Gent")
    assert [p.text for p in await _postits(team, els)] == ["CLB", "Huisarts", "HoGent"]
    text = els.last().text
    assert bot.t("names.duplicate_as", name="huisartsen", existing="Huisarts") in text
    assert bot.t("names.duplicate_as", name="Hogeschool Gent", existing="HoGent") in text
    # On the map the member is one mention of each partner.
    async with bot.store.tx() as tx:
        mentions = await tx.mentions((await tx.latest_round_of(1)).id)
    assert len(mentions) == 3


async def test_member_renames_changes_and_deletes_own_partners(team: Team) -> None:
    """From the list: rename a post-it, change its distance, delete another one."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, anna, "Hogeschol Gent", "organisatie", "stage", 3)
    await anna.tap(bot.label("btn.my_list", count=2))
    await anna.tap("2. Hogeschol Gent")
    await anna.tap(bot.label("btn.rename"))
    await anna.send("Hogeschool Gent")
    assert bot.t("rename.done", old="Hogeschol Gent", new="Hogeschool Gent") in anna.last().text
    await anna.tap(bot.label("btn.distance"))
    await anna.tap(bot.label("distance.2"))
    await anna.tap(bot.label("btn.to_list"))
    await anna.tap("1. CLB")
    await anna.tap(bot.label("btn.delete"))
    assert anna.last().text == bot.t("delete.confirm", name="CLB")
    await anna.tap(bot.label("btn.delete_yes"))
    (postit,) = await _postits(team, anna)
    assert (postit.text, postit.distance, postit.category) == (
        "Hogeschool Gent",
        Distance.TUSSENIN,
        Category.STAGE,
    )


async def test_klaar_and_reopen(team: Team) -> None:
    """'Klaar' finishes the list; 'Lijst weer openen' reopens it; the group count follows."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await onboard(team, bert)
    await add_partner(team, bert, "ouders", "team", "aanbod", 1)
    await bert.tap(bot.label("btn.done"))
    assert bert.last().text.startswith(bot.t("done.text", count=1))
    assert "Klaar met de brainstorm: 1 van 1" in team.announcement().plain_text
    await bert.tap(bot.label("btn.reopen"))
    assert await _stage(team, bert) is Stage.BRAINSTORM
    assert "Klaar met de brainstorm: 0 van 1" in team.announcement().plain_text


async def test_a_partner_sent_after_klaar_reopens_the_list(team: Team) -> None:
    """Nothing typed is lost: a partner sent after 'klaar' is added and the list reopened."""
    await open_round(team)
    carla = team.members[2]
    bot = team.bot
    await onboard(team, carla)
    await carla.tap(bot.label("btn.done"))
    await carla.send("Academie voor muziek")
    assert [p.text for p in await _postits(team, carla)] == ["Academie voor muziek"]
    assert bot.t("brainstorm.reopened") in carla.last().text
    assert await _stage(team, carla) is Stage.KIND


async def test_my_list_command_shows_the_list(team: Team) -> None:
    """/lijst shows the member's own partners with a button per partner."""
    await open_round(team)
    dirk = team.members[3]
    await onboard(team, dirk)
    await add_partner(team, dirk, "LOP", "organisatie", "beleid", 2)
    await dirk.send("/lijst")
    assert "1. LOP" in dirk.last().button_labels
    assert "LOP" in dirk.last().plain_text


async def test_long_lists_are_paged(team: Team) -> None:
    """Twenty partners are shown eight per page with a 'Meer' button."""
    await open_round(team)
    els = team.members[4]
    bot = team.bot
    await onboard(team, els)
    await els.send("\n".join(f"Partner {i}" for i in range(1, 21)))
    for _ in range(20):
        await els.tap(bot.label("btn.later"))
    await els.send("/lijst")
    first = els.last()
    assert "1. Partner 1" in first.button_labels and "9. Partner 9" not in first.button_labels
    await els.tap(bot.label("btn.more"))
    assert "9. Partner 9" in els.last().button_labels


async def test_a_dash_between_two_names_is_a_link(team: Team) -> None:
    """'CLB — Ondersteuningsnetwerk' draws a line; 'Sint-Jan' stays one partner."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await anna.send("CLB — Ondersteuningsnetwerk")
    assert team.bot.t("link.added", a="CLB", b="Ondersteuningsnetwerk") in anna.messages()[-2].text
    await anna.send("VBS Sint-Jan")
    assert [p.text for p in await _postits(team, anna)] == ["VBS Sint-Jan"]
    async with team.bot.store.tx() as tx:
        round_ = await tx.round((await tx.active_member(anna.user.id)).round_id)
        assert len(await tx.links(round_.id)) == 1
