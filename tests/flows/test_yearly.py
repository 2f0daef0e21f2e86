"""The yearly update: a new round pre-filled with last year's partners, reviewed one by one."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.testing.fakegram import Person
from core.model import Category, Distance
from storage.store import Tx

from .conftest import Team, add_partner, onboard, register

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)


async def _member(tx: Tx, person: Person):  # type: ignore[no-untyped-def]
    """The person's member row in the team's newest round."""
    round_ = await tx.latest_round_of(1)
    assert round_ is not None and round_.number == 2
    member = await tx.member_of(round_.id, person.user.id)
    assert member is not None
    return member


async def _first_year(team: Team) -> None:
    """Round 1: Anna names three partners, Bert one; the round is kept with /afronden."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/ronde", chat=team.group)
    anna, bert = team.members[0], team.members[1]
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 2)
    await add_partner(team, anna, "Bibliotheek", "organisatie", "aanbod", 3)
    await add_partner(team, anna, "Sportdienst", "organisatie", "aanbod", 4)
    await onboard(team, bert)
    await add_partner(team, bert, "Ouderraad", "team", "beleid", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)


async def _second_round(team: Team) -> None:
    """A year later the reminder comes; the principal starts round 2 with its button."""
    bot = team.bot
    bot.clock.set(datetime(2027, 11, 24, 10, 0, tzinfo=BXL))
    assert await bot.tick() == 1
    reminder = team.group.last()
    await team.principal.tap(bot.label("btn.new_round"), message=reminder, chat=team.group)
    announcement = team.announcement()
    assert "Ronde 2" in announcement.plain_text
    assert bot.t("group.round_update") in announcement.text


async def test_a_member_reviews_last_years_partners_then_adds_new_ones(team: Team) -> None:
    bot = team.bot
    anna = team.members[0]
    await _first_year(team)
    await _second_round(team)
    await onboard(team, anna)

    card = anna.last()
    assert bot.t("review.intro").split("\n")[0] in card.text
    assert "CLB" in card.plain_text and "(1 van 3)" in card.plain_text
    assert card.button_labels == [
        bot.label("btn.review_keep"),
        bot.label("btn.review_drop"),
        bot.label("btn.review_closer"),
        bot.label("btn.review_further"),
        bot.label("btn.review_keep_rest"),
    ]
    await anna.tap(bot.label("btn.review_closer"))
    # A double tap on the old card changes nothing.
    await anna.tap(bot.label("btn.review_closer"), message=card)
    assert "Bibliotheek" in anna.last().plain_text and "(2 van 3)" in anna.last().plain_text

    # Typing a partner during the review adds it; its questions come after the review.
    await anna.send("Kinderopvang De Bij")
    assert bot.t("review.noted", names="Kinderopvang De Bij") in anna.last().text
    assert "Bibliotheek" in anna.last().plain_text
    await anna.tap(bot.label("btn.review_drop"))
    last_card = anna.last()
    assert "Sportdienst" in last_card.plain_text and "(3 van 3)" in last_card.plain_text
    # Ring 4 is the furthest: no "further" button, and no "keep the rest" for the last one.
    assert bot.label("btn.review_further") not in last_card.button_labels
    assert bot.label("btn.review_keep_rest") not in last_card.button_labels
    await anna.tap(bot.label("btn.review_keep"))

    after = anna.last()
    assert bot.t("review.summary", kept=1, moved=1, dropped=1) in after.text
    # The partner typed during the review is asked about now.
    assert bot.t("brainstorm.ask_kind", name="Kinderopvang De Bij") in after.text
    await anna.tap(bot.label("kind.organisatie"))
    await anna.tap(bot.label("category.zorg"))
    await anna.tap(bot.label("distance.2"))
    await anna.tap(bot.label("btn.done"))

    async with bot.store.tx() as tx:
        member = await _member(tx, anna)
        postits = {p.text: p for p in await tx.postits(member.id)}
    assert set(postits) == {"CLB", "Sportdienst", "Kinderopvang De Bij"}
    assert postits["CLB"].distance == Distance(1)
    assert postits["CLB"].category is Category.ZORG
    assert postits["Sportdienst"].distance == Distance(4)
    assert all(p.is_complete for p in postits.values())


async def test_keep_the_rest_and_a_restart_in_the_middle(team: Team) -> None:
    bot = team.bot
    anna, bert, carla = team.members[0], team.members[1], team.members[2]
    await _first_year(team)
    await _second_round(team)
    await onboard(team, anna)
    await anna.tap(bot.label("btn.review_drop"))
    await bot.restart()
    # After a restart /start shows the same card again.
    await anna.send("/start")
    assert "Bibliotheek" in anna.last().plain_text
    await anna.tap(bot.label("btn.review_keep_rest"))
    assert bot.t("review.summary", kept=2, moved=0, dropped=1) in anna.last().text
    assert bot.t("brainstorm.intro").split("\n")[0] in anna.last().text

    # Bert sees only his own partner from last year; Carla, new this year, goes straight on.
    await onboard(team, bert)
    assert "Ouderraad" in bert.last().plain_text and "(1 van 1)" in bert.last().plain_text
    assert "CLB" not in bert.last().plain_text
    await onboard(team, carla)
    assert bot.t("brainstorm.intro").split("\n")[0] in carla.last().text

    # Bert has not finished his review: the group counts him as still working.
    await team.principal.send("/status", chat=team.group)
    assert "Klaar met de brainstorm: 0 van 3" in team.group.last().plain_text


async def test_closing_the_brainstorm_during_the_review_keeps_what_was_decided(
    team: Team,
) -> None:
    bot = team.bot
    anna = team.members[0]
    await _first_year(team)
    await _second_round(team)
    await onboard(team, anna)
    await anna.tap(bot.label("btn.review_keep"))
    bot.clock.advance(timedelta(minutes=5))
    await team.principal.send("/sluit", chat=team.group)
    # What she had not reviewed yet is kept as it was: nothing disappears by itself.
    expected = ["CLB", "Bibliotheek", "Sportdienst"]
    async with bot.store.tx() as tx:
        member = await _member(tx, anna)
        assert [p.text for p in await tx.postits(member.id)] == expected
        assert await tx.review_counts(member.id) == {"keep": 3}
    # A tap on the old review card after the close is answered, not acted on.
    old_card = next(m for m in reversed(anna.messages()) if "Bibliotheek" in m.plain_text)
    await anna.tap(bot.label("btn.review_drop"), message=old_card)
    assert anna.last_toast == bot.label("err.stale")
    async with bot.store.tx() as tx:
        member = await _member(tx, anna)
        assert [p.text for p in await tx.postits(member.id)] == expected


async def test_a_line_typed_during_the_review_is_a_link(team: Team) -> None:
    bot = team.bot
    anna = team.members[0]
    await _first_year(team)
    await _second_round(team)
    await onboard(team, anna)
    await anna.send("CLB — Ondersteuningsnetwerk")
    async with bot.store.tx() as tx:
        member = await _member(tx, anna)
        assert await tx.postits(member.id) == []
        assert len(await tx.links(member.round_id)) == 1
    assert "CLB" in anna.last().plain_text and "(1 van 3)" in anna.last().plain_text


async def test_the_comparison_shows_what_changed_since_last_year(team: Team) -> None:
    bot = team.bot
    anna, carla = team.members[0], team.members[2]
    await _first_year(team)
    # Before a second map exists there is nothing to compare with.
    await team.principal.send("/kaart vergelijk", chat=team.group)
    assert team.group.last().text == bot.t("compare.nothing")
    await _second_round(team)
    await onboard(team, anna)
    await anna.tap(bot.label("btn.review_closer"))  # CLB: tussenin -> dichtbij
    await anna.tap(bot.label("btn.review_drop"))  # Bibliotheek
    await anna.tap(bot.label("btn.review_keep"))  # Sportdienst
    await add_partner(team, anna, "Kinderopvang De Bij", "organisatie", "zorg", 2)
    await anna.tap(bot.label("btn.done"))
    await onboard(team, carla)
    await add_partner(team, carla, "ouderraad", "team", "beleid", 1)
    await carla.tap(bot.label("btn.done"))
    # While the brainstorm is open, nobody's answers show: no comparison yet.
    await team.principal.send("/kaart vergelijk", chat=team.group)
    assert team.group.last().text == bot.t("compare.nothing")
    await team.principal.send("/sluit", chat=team.group)

    # A member may not ask for it; the principal may, in the group or in private.
    before = len(team.group.messages)
    await anna.send("/kaart vergelijk", chat=team.group)
    assert all(m.photo is None for m in team.group.messages[before:])
    await team.principal.send("/kaart vergelijk")
    photo, summary = team.principal.messages()[-2:]
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    assert (
        bot.t("compare.caption", old_round=1, new_round=2, kept=3, new=1, dropped=1, moved=1)
        == photo.caption
    )
    text = summary.plain_text
    assert "Nieuw (1): Kinderopvang De Bij" in text
    assert "Niet meer genoemd (1): Bibliotheek" in text
    assert "CLB (Tussenin → Dichtbij (schoolnabij, frequent))" in text
    assert "Ouderraad" not in text.split("Gebleven")[0]
    # After /afronden the comparison is between the two kept versions: the same changes.
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/kaart vergelijk", chat=team.group)
    assert "Nieuw (1): Kinderopvang De Bij" in team.group.last().plain_text
