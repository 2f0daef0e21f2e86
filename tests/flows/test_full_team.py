"""A team of six from /start to everyone 'klaar', with a restart halfway through."""

from __future__ import annotations

from core.protocol import Stage

from .conftest import Team, add_partner, onboard, open_round

PARTNERS = {
    "Piet": [("CLB", "organisatie", "zorg", 1), ("Scholengemeenschap", "organisatie", "beleid", 2)],
    "Anna": [("ouders", "team", "aanbod", 1), ("Academie", "organisatie", "aanbod", 2)],
    "Bert": [("CLB", "organisatie", "zorg", 2), ("ondersteuningsnetwerk", "team", "zorg", 1)],
    "Carla": [("pedagogische begeleidingsdienst", "organisatie", "professionalisering", 3)],
    "Dirk": [("Hogeschool Gent", "organisatie", "stage", 3), ("LOP", "organisatie", "beleid", 4)],
    "Els": [("logopedist", "individu", "zorg", 2)],
}


async def test_six_members_brainstorm_with_a_restart_in_the_middle(team: Team) -> None:
    """Everyone resumes where they were after a restart; the group ends at '6 van 6'."""
    await open_round(team)
    bot = team.bot
    people = team.everyone
    # Before the restart: everyone joins, half of them are in the middle of a partner.
    for person in people:
        await onboard(team, person)
        first = PARTNERS[person.user.first_name][0]
        await add_partner(team, person, *first)
    for person in people[:3]:
        second = PARTNERS[person.user.first_name][1:]
        if second:
            await person.send(second[0][0])
            await person.tap(bot.label(f"kind.{second[0][1]}"))
    screens_before = {p.user.first_name: p.last().text for p in people}

    await bot.restart()

    # After the restart: /start shows exactly the screen each person was on.
    for person in people:
        await person.send("/start")
        assert person.messages()[-2].text == bot.t("dm.welcome_back")
        # The same question or prompt as before (a one-off "saved" line above it is not repeated).
        assert screens_before[person.user.first_name].endswith(person.last().text)
    # The old buttons (sent before the restart) are stale; the resumed ones work.
    for person in people[:3]:
        name, _, category, distance = PARTNERS[person.user.first_name][1]
        await person.tap(bot.label(f"category.{category}"))
        await person.tap(bot.label(f"distance.{distance}"))
    for person in people[3:]:
        for name, kind, category, distance in PARTNERS[person.user.first_name][1:]:
            await add_partner(team, person, name, kind, category, distance)
    for person in people:
        await person.tap(bot.label("btn.done"))

    assert "Klaar met de brainstorm: 6 van 6" in team.announcement().plain_text
    assert team.group.last().text == bot.t("group.all_done", finished=6, joined=6)
    async with bot.store.tx() as tx:
        for person in people:
            member = await tx.active_member(person.user.id)
            assert Stage(member.stage) is Stage.DONE
            stored = [(p.text, p.kind, p.category, p.distance) for p in await tx.postits(member.id)]
            expected = PARTNERS[person.user.first_name]
            assert [(t, k.value, c.value, int(d)) for t, k, c, d in stored] == expected  # type: ignore[union-attr]


async def test_restart_between_a_tap_and_the_next_question(team: Team) -> None:
    """A member who taps a button just before a restart continues on the next question."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await onboard(team, anna)
    await anna.send("Sportclub Noord")
    await anna.tap(bot.label("kind.organisatie"))
    await bot.restart()
    # The category buttons sent before the restart still work: the screen number is stored.
    await anna.tap(bot.label("category.zorg"))
    assert anna.last().text == bot.t("brainstorm.ask_distance", name="Sportclub Noord")
