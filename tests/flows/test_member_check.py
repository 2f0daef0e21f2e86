"""The member check: the wider team answers four questions; the report names functions only."""

from __future__ import annotations

import json

from .conftest import Team, add_partner, onboard, open_round


async def _finished_round(team: Team) -> None:
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna, answer="Leren dat het hele team raakt.")
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)


async def _answer(team: Team, person, role: str, answers: list[str], missing: list[str]) -> None:  # type: ignore[no-untyped-def]
    bot = team.bot
    link = [m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels][
        -1
    ]
    await person.tap(bot.label("btn.survey_join"), message=link, chat=team.group)
    await person.tap(bot.label("btn.survey_start"))
    await person.tap(bot.label(f"role.{role}"))
    await person.tap(bot.label("btn.skip"))
    for n, answer in enumerate(answers, start=1):
        await person.send(answer)
        await person.tap(bot.label("btn.next_question"))
        if n == 3:
            for partner in missing:
                await person.send(partner)
            await person.tap(bot.label("btn.done"))


async def test_member_check_report_is_anonymous_and_complete(team: Team) -> None:
    """Colleagues answer in private; the principal gets a report with functions, never names."""
    await _finished_round(team)
    bot = team.bot
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    bert, carla, dirk, els = team.members[1:]
    berts = ["Veel zorgpartners.", "Overzicht.", "Herkenbaar.", "Een web."]
    await _answer(team, bert, "leraar", berts, ["Kinderopvang"])
    intro_photo = [m for m in bert.messages() if m.photo is not None]
    assert len(intro_photo) == 1
    assert "Leren dat het hele team raakt." in "\n".join(m.plain_text for m in bert.messages())
    for person in (carla, dirk):
        await _answer(team, person, "leraar", ["Opvallend.", "Richting.", "Deels.", "Een boom."],
                      ["kinderopvang", "Sportclub"])  # fmt: skip
    await _answer(team, els, "directie", ["Breed.", "Een plan.", "Ja.", "Een brug."], [])
    assert els.last().text == bot.t("survey.done")
    await team.principal.send("/membercheck sluit", chat=team.group)
    report = next(
        m.document for m in reversed(team.principal.messages())
        if m.document_name == "membercheck.md"
    ).decode("utf-8")  # fmt: skip
    for name in ("Anna", "Bert", "Carla", "Dirk", "Els", "Piet"):
        assert name not in report
    assert report.count("(leraar)") == 3 * 4  # three teachers, four questions each
    assert "(andere functie)" in report  # a single principal is not recognisable
    assert "- Kinderopvang (3)" in report and "- Sportclub (2)" in report
    for answer in ("Veel zorgpartners.", "Een brug.", "Een boom."):
        assert answer in report


async def test_member_check_needs_a_finished_round_not_group_membership(team: Team) -> None:
    """No kept map, no member check; a colleague outside the group answers all the same."""
    bot = team.bot
    await open_round(team)
    await team.principal.send("/membercheck", chat=team.group)
    assert team.group.last().text == bot.t("survey.no_version")
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/membercheck", chat=team.group)
    link = next(
        m
        for m in reversed(team.group.bot_messages)
        if bot.label("btn.survey_join") in m.button_labels
    )
    await team.outsider.tap(bot.label("btn.survey_join"), message=link, chat=team.group)
    assert team.outsider.last().text != bot.t("dm.not_member", school="Basisschool De Linde")
    assert bot.label("btn.survey_start") in team.outsider.last().button_labels


async def test_member_check_in_simulated_time(team: Team) -> None:
    """A reminder for who started, the link again, and the report at the deadline; each once."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Brussels")))
    await _finished_round(team)
    await team.principal.send("/start")
    await team.principal.send("/membercheck 7d", chat=team.group)
    assert "maandag 30 november om 10:00" in team.group.last().plain_text
    bert = team.members[1]
    link = team.group.last()
    await bert.tap(bot.label("btn.survey_join"), message=link, chat=team.group)
    await bert.tap(bot.label("btn.survey_start"))
    bot.clock.advance(timedelta(days=3, hours=12))  # Thursday 22:00, quiet hours
    assert await bot.tick() == 0
    bot.clock.advance(timedelta(hours=10))  # Friday 08:00
    assert await bot.tick() == 1
    assert await bot.tick() == 0
    assert bert.last().text == bot.t("survey.nudge")
    assert bot.label("btn.survey_join") in team.group.last().button_labels
    bot.clock.set(datetime(2026, 11, 30, 10, 1, tzinfo=ZoneInfo("Europe/Brussels")))
    assert await bot.tick() == 2  # the day-before reminder (postponed) and the deadline
    assert any(m.document_name == "membercheck.md" for m in team.principal.messages())
    assert await bot.tick() == 0


async def test_missing_partners_can_be_added_as_a_new_map_version(team: Team) -> None:
    """MC.3: the principal adds a missed partner; the group gets the optimised map."""
    await _finished_round(team)
    bot = team.bot
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    bert, carla = team.members[1:3]
    await _answer(team, bert, "leraar", ["A.", "B.", "C.", "D."], ["Kinderopvang", "het CLB"])
    await _answer(team, carla, "directie", ["A.", "B.", "C.", "D."], ["kinderopvang", "Sportclub"])
    await team.principal.send("/membercheck sluit", chat=team.group)

    offer = team.principal.last()
    # "het CLB" is already on the map: only the two really missing partners are offered.
    assert offer.button_labels == [
        bot.label("optimise.add_button", name="Kinderopvang"),
        bot.label("optimise.add_button", name="Sportclub"),
    ]
    # Only the principal may add; a member tapping a forwarded button gets a toast.
    await bert.tap(bot.label("optimise.add_button", name="Kinderopvang"), message=offer)
    assert bert.last_toast == bot.label("map.only_principal")

    photos_before = sum(m.photo is not None for m in team.group.messages)
    await team.principal.tap(bot.label("optimise.add_button", name="Kinderopvang"), message=offer)
    assert team.principal.last().text == bot.t("optimise.ask_category", name="Kinderopvang")
    await team.principal.tap(bot.label("category.aanbod"))
    distance_question = team.principal.last()
    await team.principal.tap(bot.label("distance.2"))
    # A double tap on the distance changes nothing more.
    await team.principal.tap(bot.label("distance.2"), message=distance_question)
    assert team.principal.last_toast == bot.label("optimise.already", name="Kinderopvang")

    photos = [m for m in team.group.messages if m.photo is not None]
    assert len(photos) == photos_before + 1
    assert photos[-1].caption == bot.t("optimise.caption", number=1, name="Kinderopvang")
    # The optimised map can be read in words too, with the partner just added.
    assert photos[-1].button_labels == [bot.label("words.button")]
    seen = len(bert.messages())
    await bert.tap(bot.label("words.button"), message=photos[-1], chat=team.group)
    assert "Kinderopvang" in "\n".join(m.plain_text for m in bert.messages()[seen:])
    assert bot.t("optimise.done", name="Kinderopvang") in "\n".join(
        m.text or "" for m in team.principal.messages()
    )
    # The remaining partner is offered again.
    assert team.principal.last().button_labels == [
        bot.label("optimise.add_button", name="Sportclub")
    ]
    async with bot.store.tx() as tx:
        version = await tx.latest_map_version(1)
        assert version is not None and version.reason == "membercheck"
        assert version.parent_id is not None
        parent = await tx.map_version(version.parent_id)
        assert parent is not None and parent.reason == "round"
    snapshot = json.loads(version.snapshot_json)
    added = next(p for p in snapshot["partners"] if p["label"] == "Kinderopvang")
    assert added["category"] == "aanbod" and added["distance"] == 2 and added["mentions"] == 0
    # The comparison shows the optimisation.
    await team.principal.send("/kaart vergelijk")
    assert "Nieuw (1): Kinderopvang" in team.principal.last().plain_text


async def test_member_check_sent_at_a_chosen_moment(team: Team) -> None:
    """/membercheck 1-12 7d: prepared now, the button appears on 1 December, not before."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    bxl = ZoneInfo("Europe/Brussels")
    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=bxl))  # a Monday
    await _finished_round(team)
    await team.principal.send("/membercheck morgen", chat=team.group)
    assert team.group.last().text == bot.t("survey.usage")
    await team.principal.send("/membercheck 1-12 30-11-2026", chat=team.group)
    assert team.group.last().text == bot.t("survey.usage")  # the end before the start
    await team.principal.send("/membercheck 31-12-9999 7d", chat=team.group)
    assert team.group.last().text == bot.t("survey.usage")  # far too far ahead
    await team.principal.send("/membercheck 1-12 7d", chat=team.group)
    assert team.group.last().text == bot.t(
        "survey.scheduled", start="dinsdag 1 december om 08:00", when="dinsdag 8 december om 08:00"
    )
    join = bot.label("btn.survey_join")
    assert not any(join in m.button_labels for m in team.group.bot_messages)
    await bot.restart()
    bot.clock.set(datetime(2026, 11, 30, 19, 0, tzinfo=bxl))
    assert await bot.tick() == 0
    bot.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=bxl))
    assert await bot.tick() == 1
    assert await bot.tick() == 0
    link = next(m for m in reversed(team.group.bot_messages) if join in m.button_labels)
    assert link.text == bot.t("survey.announce", when="dinsdag 8 december om 08:00")
    # The reminders count from the moment it was sent: halfway is 4 December 20:00.
    bot.clock.set(datetime(2026, 12, 4, 19, 59, tzinfo=bxl))
    assert await bot.tick() == 0
    bot.clock.advance(timedelta(hours=12, minutes=1))  # Saturday 08:00: waits for Monday
    assert await bot.tick() == 0


async def test_small_functions_can_be_named_only_before_anyone_answers(team: Team) -> None:
    """The principal may name small roles in the report, but not after answers came in."""
    await _finished_round(team)
    bot = team.bot
    await team.principal.send("/start")
    await team.principal.send("/membercheck functies tonen", chat=team.group)
    assert team.group.last().text == bot.t("survey.none_open")
    await team.principal.send("/membercheck", chat=team.group)
    await team.principal.send("/membercheck functies", chat=team.group)
    assert team.group.last().text == bot.t("survey.roles_usage")
    await team.principal.send("/membercheck functies tonen", chat=team.group)
    assert team.group.last().text == bot.t("survey.roles_shown")
    await _answer(team, team.members[4], "directie", ["Breed.", "Plan.", "Ja.", "Brug."], [])
    await team.principal.send("/membercheck functies verbergen", chat=team.group)
    assert team.group.last().text == bot.t("survey.roles_too_late")
    await team.principal.send("/membercheck sluit", chat=team.group)
    report = next(
        m.document for m in reversed(team.principal.messages())
        if m.document_name == "membercheck.md"
    ).decode("utf-8")  # fmt: skip
    assert "(directie)" in report and "(andere functie)" not in report
    assert "Els" not in report


async def test_an_old_rounds_offer_cannot_change_the_newest_map(team: Team) -> None:
    """Once a newer round is kept, the older member check's add buttons no longer apply."""
    await _finished_round(team)
    bot = team.bot
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    await _answer(team, team.members[1], "leraar", ["A.", "B.", "C.", "D."], ["Zwembad"])
    await team.principal.send("/membercheck sluit", chat=team.group)
    offer = team.principal.last()
    await team.principal.send("/ronde", chat=team.group)
    anna = team.members[0]
    await onboard(team, anna)
    await anna.tap(bot.label("btn.review_keep"))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    async with bot.store.tx() as tx:
        before = await tx.latest_map_version(1)
    await team.principal.tap(bot.label("optimise.add_button", name="Zwembad"), message=offer)
    assert team.principal.last_toast == bot.label("err.stale")
    async with bot.store.tx() as tx:
        after = await tx.latest_map_version(1)
    assert before is not None and after is not None and before.id == after.id


async def test_a_member_check_planned_for_a_weekend_starts_on_monday(team: Team) -> None:
    """The term counts from when the button can go out, not from a Saturday nobody gets it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Brussels")))
    await _finished_round(team)
    await team.principal.send("/membercheck 5-12 2d", chat=team.group)  # a Saturday
    assert team.group.last().text == bot.t(
        "survey.scheduled", start="maandag 7 december om 08:00", when="woensdag 9 december om 08:00"
    )
