"""Editing a sent message in Telegram changes what it created; it is never new input."""

from __future__ import annotations

from bot.dialogs import mapview
from bot.testing.fakegram import Person
from core.model import Category, Kind, PostIt
from core.validation import MAX_PARTNER_NAME

from .conftest import Team, add_partner, onboard, open_round


async def _postits(team: Team, person: Person) -> list[PostIt]:
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
        assert member is not None
        return await tx.postits(member.id)


async def _answers(team: Team, person: Person) -> dict[str, str]:
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
        assert member is not None
        return {a.question_id: a.text for a in await tx.answers(member.id)}


async def _map_labels(team: Team) -> set[str]:
    async with team.bot.store.tx() as tx:
        team_row = await tx.team_by_chat(team.group.id)
        assert team_row is not None
        round_ = await tx.latest_round_of(team_row.id)
        assert round_ is not None
        team_map = await mapview.load(tx, round_)
    return {node.label for node in team_map.nodes}


async def test_a_typo_fixed_by_editing_renames_the_post_it(team: Team) -> None:
    """One post-it with the corrected name, its answers kept, and that name on the map."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    sent = await anna.send("CLB Gnet")
    await anna.tap(bot.label("kind.organisatie"))
    question = anna.last()
    await anna.edit(sent, "CLB Gent")
    assert anna.last().text == bot.t("edit.renamed", name="CLB Gent")
    # The question on screen still works: its buttons carry the post-it, not the name.
    await anna.tap(bot.label("category.zorg"), message=question)
    await anna.tap(bot.label("distance.2"))
    (postit,) = await _postits(team, anna)
    assert (postit.text, postit.kind, postit.category) == (
        "CLB Gent",
        Kind.ORGANISATIE,
        Category.ZORG,
    )
    await team.principal.send("/sluit", chat=team.group)
    assert await _map_labels(team) == {"CLB Gent"}


async def test_an_edited_introduction_answer_is_replaced(team: Team) -> None:
    """Only the edited message's part of the answer changes; the other message stays."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await bert.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await bert.tap(bot.label("role.leraar"))
    await bert.tap(bot.label("btn.skip"))
    first = await bert.send("Samen leren van fouten.")
    await bert.send("En van elkaar.")
    screen = bert.last()
    await bert.edit(first, "Samen leren van successen.")
    assert bert.last().text == bot.t("edit.answer_changed")
    assert await _answers(team, bert) == {"INTRO.Q1": "Samen leren van successen.\nEn van elkaar."}
    # The screen before the edit is still the one to use.
    await bert.tap(bot.label("btn.next_question"), message=screen)
    assert bot.label("btn.skip") in bert.last().button_labels


async def test_an_edit_after_the_step_closed_changes_nothing_and_says_so(team: Team) -> None:
    """After /sluit the post-it and the shared answer stay as they were; the answer is calm."""
    await open_round(team)
    carla = team.members[2]
    bot = team.bot
    await carla.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await carla.tap(bot.label("role.leraar"))
    await carla.tap(bot.label("btn.skip"))
    answer = await carla.send("Leren als team.")
    await carla.tap(bot.label("btn.next_question"))
    await carla.tap(bot.label("btn.skip"))
    await carla.tap(bot.label("btn.to_brainstorm"))
    partner = await carla.send("Ouders")
    await team.principal.send("/sluit", chat=team.group)
    await carla.edit(partner, "Ouderraad")
    assert carla.last().text == bot.t("edit.closed_postit")
    assert [p.text for p in await _postits(team, carla)] == ["Ouders"]
    assert await _map_labels(team) == {"Ouders"}
    await carla.edit(answer, "Iets anders.")
    assert carla.last().text == bot.t("edit.closed")
    assert await _answers(team, carla) == {"INTRO.Q1": "Leren als team."}


async def test_editing_a_pasted_list(team: Team) -> None:
    """A changed line renames, a new line adds, a removed line deletes only an untouched post-it."""
    await open_round(team)
    dirk = team.members[3]
    bot = team.bot
    await onboard(team, dirk)
    pasted = await dirk.send("- CLB\n- Ouders\n- Bib\n- Sporthal")
    # Dirk answers about the first two; Bib and Sporthal wait their turn.
    for _ in range(2):
        await dirk.tap(bot.label("btn.later"))
    await dirk.edit(pasted, "- CLB Gent\n- Bibliotheek\n- Sporthal\n- Muziekschool")
    # "Ouders" was answered about, so it stays; "Bib" was not, so it is renamed in place.
    assert [p.text for p in await _postits(team, dirk)] == [
        "CLB Gent",
        "Ouders",
        "Bibliotheek",
        "Sporthal",
        "Muziekschool",
    ]
    reply = dirk.last().text or ""
    assert bot.t("edit.renamed", name="CLB Gent") in reply
    assert bot.t("edit.added", names="Muziekschool") in reply
    assert bot.t("edit.kept", names="Ouders") in reply
    # A second edit starts from the first one: drop the new line, it was not answered yet.
    await dirk.edit(pasted, "- CLB Gent\n- Bibliotheek\n- Sporthal")
    assert dirk.last().text == bot.t("edit.removed", names="Muziekschool")
    assert len(await _postits(team, dirk)) == 4


async def test_an_edit_to_an_invalid_name_is_refused_and_nothing_is_lost(team: Team) -> None:
    """Too long or only emoji: the post-it keeps its name and the member hears why."""
    await open_round(team)
    els = team.members[4]
    bot = team.bot
    await onboard(team, els)
    sent = await els.send("CLB")
    await els.tap(bot.label("distance.1"))  # its usual kind and category confirmed
    too_long = "C" * (MAX_PARTNER_NAME + 1)
    await els.edit(sent, too_long)
    reply = els.last().text or ""
    assert bot.t("err.partner_too_long", length=len(too_long), max=MAX_PARTNER_NAME) in reply
    assert bot.t("edit.name_kept", name="CLB") in reply
    await els.edit(sent, "🙂🙂")
    assert bot.t("err.no_words") in (els.last().text or "")
    (postit,) = await _postits(team, els)
    assert (postit.text, postit.kind, postit.category) == ("CLB", Kind.ORGANISATIE, Category.ZORG)
    # Once fixed, the same message renames it after all.
    await els.edit(sent, "CLB Gent")
    assert els.last().text == bot.t("edit.renamed", name="CLB Gent")


async def test_edits_of_commands_and_chatter_do_nothing_harmful(team: Team) -> None:
    """An edited command is not run again; chatter that created nothing is answered calmly."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    command = await anna.send("/lijst")
    count = len(anna.chat.bot_messages)
    await anna.edit(command, "/vergeetmij")
    assert len(anna.chat.bot_messages) == count
    group_command = await team.principal.send("/status", chat=team.group)
    in_group = len(team.group.bot_messages)
    await team.principal.edit(group_command, "/sluit")
    assert len(team.group.bot_messages) == in_group
    hello = await team.outsider.send("hallo")
    await team.outsider.edit(hello, "hallo daar")
    assert team.outsider.last().text == bot.t("edit.nothing")
    assert await _postits(team, anna) == []


async def test_closing_answers_and_absences_follow_their_edits_until_shared(team: Team) -> None:
    """A corrected metaphor and absence are what the group sees at /sluit; later edits are not."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    metaphor = await anna.send("Een spinneweb.")
    await anna.edit(metaphor, "Een spinnenweb: alles hangt samen.")
    assert anna.last().text == bot.t("edit.answer_changed")
    for _ in range(3):
        await anna.tap(bot.label("btn.next_question") if _ == 0 else bot.label("btn.skip"))
    await anna.tap(bot.label("btn.add_absence"))
    missing = await anna.send("Kinderopvnag")
    await anna.edit(missing, "Kinderopvang")
    assert anna.last().text == bot.t("edit.answer_changed")
    await team.principal.send("/sluit", chat=team.group)
    shared = "\n".join(m.plain_text for m in team.group.bot_messages)
    assert "Een spinnenweb: alles hangt samen." in shared and "spinneweb." not in shared
    assert "Kinderopvang – waarom niet genoemd" in shared
    await anna.edit(metaphor, "Een boom.")
    assert anna.last().text == bot.t("edit.closed")


async def test_a_member_check_answer_follows_its_edit(team: Team) -> None:
    """A colleague's corrected answer is the one in the principal's report."""
    await open_round(team)
    anna, bert = team.members[:2]
    bot = team.bot
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    link = [m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels]
    await bert.tap(bot.label("btn.survey_join"), message=link[-1], chat=team.group)
    await bert.tap(bot.label("btn.survey_start"))
    await bert.tap(bot.label("role.leraar"))
    await bert.tap(bot.label("btn.skip"))
    answer = await bert.send("Veel zrogpartners.")
    await bert.edit(answer, "Veel zorgpartners.")
    assert bert.last().text == bot.t("edit.answer_changed")
    await team.principal.send("/membercheck sluit", chat=team.group)
    report = next(
        m.document for m in reversed(team.principal.messages())
        if m.document_name == "membercheck.md"
    ).decode("utf-8")  # fmt: skip
    assert "Veel zorgpartners." in report and "zrogpartners" not in report
    await bert.edit(answer, "Iets anders.")
    assert bert.last().text == bot.t("edit.closed")
