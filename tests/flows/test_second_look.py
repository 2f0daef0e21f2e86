"""Step 2B's second look: the team adds what it misses and places the disputed partners."""

from __future__ import annotations

import json
from typing import Any

from bot.actions.control import look_count
from bot.testing.fakegram import FakeMessage, Person

from .conftest import Team, add_partner, onboard, open_round


def _photos(team: Team) -> list[FakeMessage]:
    return [m for m in team.group.bot_messages if m.photo is not None]


def _invitations(team: Team, person: Person) -> list[FakeMessage]:
    """The person's second-look invitations (as sent, or edited once the look closed)."""
    first = team.bot.t("look.invite").split("\n")[0]
    closed = team.bot.t("look.closed")
    return [m for m in person.messages() if m.from_bot and (first in m.text or m.text == closed)]


async def _export(team: Team) -> dict[str, Any]:
    """The principal's /export JSON, as the team may see the map now."""
    await team.principal.send("/export", chat=team.group)
    raw = next(m.document for m in reversed(team.principal.messages())
               if m.document_name and m.document_name.endswith(".json"))  # fmt: skip
    assert raw is not None
    return dict(json.loads(raw))


async def test_a_colleague_who_sees_the_library_is_missing_adds_it_and_the_map_updates_once(
    team: Team,
) -> None:
    """Een collega die op de kaart ziet dat de bib ontbreekt, voegt ze toe; de kaart wordt één
    keer bijgewerkt. A link is drawn with two taps; nothing shows before the look closes."""
    bot = team.bot
    anna, bert, carla = team.members[:3]
    await team.principal.send("/start")
    await open_round(team)
    for person in (anna, bert, carla):
        await onboard(team, person)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 1)
    await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 2)
    await add_partner(team, carla, "Bakkerij Peeters", "organisatie", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    assert len(_photos(team)) == 1
    # Everyone got one private invitation with the question; the principal got MAP.I.
    for person in (anna, bert, carla):
        (invitation,) = _invitations(team, person)
        assert bot.t("look.invite") in invitation.text
    assert team.principal.last().text == bot.t("look.principal_opened", invited=3, disputed="")
    assert "Open het gesprek. Bespreek de externe partners" in team.principal.last().plain_text

    await anna.send("Bibliotheek")
    await anna.tap(bot.label("kind.organisatie"))
    await anna.tap(bot.label("category.aanbod"))
    await anna.tap(bot.label("distance.2"))
    assert anna.last().text.startswith(
        bot.t("look.added", name="Bibliotheek", details="Organisatie · Aanbod · Tussenin").split(
            "("
        )[0]
    )
    await carla.send("Bakkerij Peeters")  # already on the map: not added twice
    assert carla.last().text.startswith(bot.t("look.already_on_map", name="Bakkerij Peeters"))
    await bert.tap(bot.label("look.btn.link"))
    await bert.tap("Bakkerij Peeters")
    await bert.tap("Sportclub Noord")
    assert bot.t("look.link_added", a="Bakkerij Peeters", b="Sportclub Noord") in bert.last().text
    await bert.tap(bot.label("look.btn.done"))
    assert bert.last().text == bot.t("look.done")
    await bert.send("/mijngegevens")  # what he proposed is his own data
    assert "Verband: Bakkerij Peeters — Sportclub Noord" in bert.last().plain_text

    # Nothing reaches the map the team sees while the look runs.
    before = await _export(team)
    assert "Bibliotheek" not in {p["label"] for p in before["partners"]}
    assert before["links"] == []
    assert len(_photos(team)) == 1

    await team.principal.tap(bot.label("look.btn.close"))
    photos = _photos(team)
    assert len(photos) == 2  # one post for the whole look, not one per addition
    caption = photos[-1].plain_text
    assert caption.startswith("De kaart na jullie tweede blik")
    assert "Bibliotheek" in caption and "Anna" not in caption
    assert bot.t("look.summary_links", count=1) in caption
    after = await _export(team)
    assert "Bibliotheek" in {p["label"] for p in after["partners"]}
    assert after["links"] == [["Bakkerij Peeters", "Sportclub Noord"]]
    # The invitation itself says the look closed: no message more for the members.
    for person in (anna, bert, carla):
        assert _invitations(team, person)[-1].text == bot.t("look.closed")
    # A second tap (or /sluit) changes nothing more: the look closes once.
    await team.principal.tap(bot.label("look.btn.close"))
    assert team.principal.last_toast == bot.label("err.stale")
    assert len(_photos(team)) == 2


async def _disputed_round(team: Team) -> None:
    """Three members disagree on a distance (1, 3, 3) and split evenly on a category."""
    anna, bert, carla = team.members[:3]
    await team.principal.send("/start")
    await open_round(team)
    for person in (anna, bert, carla):
        await onboard(team, person)
    await add_partner(team, anna, "Sportclub Noord", "organisatie", "aanbod", 1)
    await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 3)
    await add_partner(team, carla, "Sportclub Noord", "organisatie", "aanbod", 3)
    await add_partner(team, anna, "Ouders", "team", "zorg", 1)
    await add_partner(team, bert, "ouders", "team", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)


async def test_the_answers_to_a_disputed_placement_stay_hidden_until_it_closes(team: Team) -> None:
    """The answers to a disputed placement stay hidden until it closes; then the placement
    follows the team's majority, the group sees the counts once, and the report says what
    moved. A restart in the middle loses nothing."""
    bot = team.bot
    anna, bert, carla = team.members[:3]
    await _disputed_round(team)
    (invitation,) = _invitations(team, anna)
    assert bot.t("look.invite_disputed", count=2, names="Sportclub Noord, Ouders") in (
        invitation.text
    )
    place = bot.label("look.btn.place", count=2)
    await anna.tap(place)
    assert anna.last().text.startswith("<b>Sportclub Noord</b> (1 van 2)")
    assert anna.last().button_labels[:2] == [bot.label("look.move_closer"),
                                             bot.label("look.move_keep")]  # fmt: skip
    await anna.tap(bot.label("look.move_closer"))
    assert anna.last_toast == bot.label("look.voted")
    await anna.tap(bot.label("category.aanbod"))
    assert anna.last().text.startswith(bot.t("look.placed"))

    await anna.send("/mijngegevens")  # her own answer, and only hers
    assert "Sportclub Noord: Dichter" in anna.last().plain_text

    await bot.restart()  # nothing survives but the file

    await bert.tap(place)
    # Bert sees his own question only: no mark, no count of Anna's answer.
    assert not any(label.startswith("✓") for label in bert.last().button_labels)
    await bert.tap(bot.label("look.move_closer"))
    await bert.tap(bot.label("category.aanbod"))
    await carla.tap(place)
    await carla.tap(bot.label("look.move_keep"))
    await carla.tap(bot.label("category.zorg"))
    # Carla changes her mind about the distance: her own answer is marked, and replaced.
    await carla.tap(bot.label("look.btn.place_done", count=2))
    assert "✓ " + bot.label("look.move_keep") in carla.last().button_labels
    await carla.tap(bot.label("look.move_further"))
    await carla.tap(bot.label("btn.skip"))

    # Hidden: not in the group, not with the principal, not on the map the team sees.
    seen = [m.plain_text for m in (*team.group.bot_messages, *team.principal.messages())]
    assert not any(bot.label("look.move_closer") in text for text in seen)
    before = {p["label"]: p for p in (await _export(team))["partners"]}
    assert before["Sportclub Noord"]["distance"] == 3 and before["Sportclub Noord"]["disputed"]

    await team.principal.send("/sluit", chat=team.group)
    caption = _photos(team)[-1].plain_text
    assert "Sportclub Noord: een ring dichter, nu tussenin (Dichter 2 · Zo laten 0 · Verder 1)" in (
        caption
    )
    assert "Ouders: categorie pedagogisch-didactisch aanbod (zorg en" in caption
    after = {p["label"]: p for p in (await _export(team))["partners"]}
    assert after["Sportclub Noord"]["distance"] == 2
    assert not after["Sportclub Noord"]["disputed"]
    assert after["Ouders"]["category"] == "aanbod" and after["Ouders"]["category_tie"] == []

    await team.principal.send("/afronden", chat=team.group)
    report = next(m.document for m in reversed(team.principal.messages())
                  if m.document_name and m.document_name.endswith("-verslag.md"))  # fmt: skip
    assert report is not None
    text = report.decode("utf-8")
    assert bot.label("look.report.heading") in text
    assert "Sportclub Noord: van veraf naar tussenin" in text


async def test_moving_on_closes_the_look_first(team: Team) -> None:
    """The principal opens the priorities while the look runs: the look closes, the team's
    placement holds (a tie keeps it) and the group sees the map before the invitation."""
    bot = team.bot
    anna, bert = team.members[:2]
    await _disputed_round(team)
    place = bot.label("look.btn.place", count=2)
    await anna.tap(place)
    await anna.tap(bot.label("look.move_closer"))
    await bert.tap(place)
    await bert.tap(bot.label("look.move_further"))
    await team.principal.send("/prioriteit", chat=team.group)
    messages = team.group.bot_messages
    assert messages[-1].text == bot.t("group.priorities_opened", joined=3)
    assert messages[-2].photo is not None
    assert "Sportclub Noord: blijft veraf (Dichter 1 · Zo laten 0 · Verder 1)" in (
        messages[-2].plain_text
    )
    # Everyone is asked for a priority: the look's screens are gone.
    assert bot.t("priority.ask", count=2).split("\n")[0] in anna.last().text


async def test_a_colleague_who_joins_while_the_look_runs_takes_it_too(team: Team) -> None:
    """Someone who joins after the map was shared finishes the introduction into the second
    look, and is counted on the principal's control message."""
    bot = team.bot
    anna, dirk = team.members[0], team.members[3]
    await team.principal.send("/start")
    await open_round(team)
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    await onboard(team, dirk)
    assert dirk.last().text.startswith(bot.t("look.invite"))
    await dirk.tap(bot.label("look.btn.done"))
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
        assert round_ is not None
        assert await look_count(tx, round_.id) == (1, 2)


async def test_sluit_while_the_names_wait_shares_the_map_and_opens_the_look(team: Team) -> None:
    """/sluit while the principal's questions about similar names wait: the default applies,
    the group gets the map and everyone the invitation; the next /sluit closes the look."""
    bot = team.bot
    anna, bert = team.members[:2]
    await team.principal.send("/start")
    await open_round(team)
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "CLB Gent", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    assert _photos(team) == [] and _invitations(team, anna) == []
    await team.principal.send("/sluit", chat=team.group)
    assert len(_photos(team)) == 1
    assert team.group.last().text != bot.t("group.nothing_to_close")
    for person in (anna, bert):
        assert len(_invitations(team, person)) == 1
    await anna.send("Bibliotheek")
    await anna.tap(bot.label("btn.later"))
    await team.principal.send("/sluit", chat=team.group)
    assert len(_photos(team)) == 2
    assert _invitations(team, anna)[-1].text == bot.t("look.closed")
