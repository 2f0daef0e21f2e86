"""What the team concluded is kept: INTRO.I1 at the start, a note after each shared step (by the
facilitator or a note taker they choose), a reflection on the method at /afronden, and the
report's "Schoolspecifieke conclusie", "Reflectie op de werkvorm" and the tool's origin."""

from __future__ import annotations

from bot.testing.fakegram import FakeMessage, Person, parse_html

from .conftest import Team, add_partner, onboard, open_round, register


def _panel(person: Person, team: Team) -> FakeMessage:
    """The person's control message (the newest one with the team button)."""
    label = team.bot.label("btn.guide_team")
    for message in reversed(person.messages()):
        if label in message.button_labels:
            return message
    raise AssertionError(f"{person} has no control message")


def _write(team: Team, item: str) -> str:
    """The label of the button that writes this note."""
    bot = team.bot
    return bot.label("notes.btn_write", label=bot.label(f"notes.item_{item}"))


def _reports(person: Person) -> list[str]:
    """Every report (Markdown) the person received, oldest first."""
    return [
        (m.document or b"").decode("utf-8")
        for m in person.messages()
        if m.document_name and m.document_name.endswith("-verslag.md")
    ]


async def _versions_revised(team: Team) -> list[int]:
    async with team.bot.store.tx() as tx:
        rows = await tx._all("SELECT revised FROM map_versions ORDER BY id")
    return [int(row["revised"]) for row in rows]


async def test_the_facilitator_names_the_aim_at_the_start_and_a_restart_loses_nothing(
    team: Team,
) -> None:
    """INTRO.I1 ('benoem wat je uit het gesprek wil halen') is on the control message once the
    round opens; the facilitator taps, the bot restarts, the typed aim is kept and shown back."""
    bot = team.bot
    piet = team.principal
    await register(team)
    await piet.tap(bot.label("btn.guide_panel"), chat=team.group)
    await piet.tap(bot.label("btn.guide_open"), message=_panel(piet, team))
    panel = _panel(piet, team)
    assert parse_html(bot.t("notes.panel_aim"))[0] in panel.plain_text
    assert bot.label("notes.btn_overview", written=0, count=1) in panel.button_labels
    await piet.tap(_write(team, "aim"), message=panel)
    assert bot.texts.plain("INTRO.I1", "nl") in piet.last().plain_text
    await bot.restart()
    await piet.send("We willen zien wie er ontbreekt en wie dichterbij mag.")
    assert piet.last().text == bot.t(
        "notes.saved", label=bot.label("notes.item_aim"),
        text="We willen zien wie er ontbreekt en wie dichterbij mag.",
    )  # fmt: skip
    panel = _panel(piet, team)
    assert parse_html(bot.t("notes.panel_aim"))[0] not in panel.plain_text
    assert bot.label("notes.btn_overview", written=1, count=1) in panel.button_labels
    async with bot.store.tx() as tx:
        round_ = await tx.latest_round_of((await tx.team_by_chat(team.group.id)).id)
        assert round_ is not None
        assert await tx.team_notes(round_.id) == {
            "aim": "We willen zien wie er ontbreekt en wie dichterbij mag."
        }
        assert await tx.writing(piet.user.id) is None


async def test_a_principal_without_the_control_message_gets_intro_i1_in_one_message(
    team: Team,
) -> None:
    """/ronde in the group: the principal who never opened the control message still gets
    INTRO.I1, once, with a button to write the aim."""
    bot = team.bot
    piet = team.principal
    await open_round(team)
    await piet.send("/start")
    asked = [m for m in piet.messages() if m.text == bot.t("notes.aim_message")]
    assert len(asked) == 1
    assert asked[0].button_labels == [_write(team, "aim")]


async def test_after_each_shared_step_the_team_s_conclusion_is_recorded_and_reported(
    team: Team,
) -> None:
    """The map reached the group: the control message offers its note; a note taker chosen
    among the members is offered the next shared step; /afronden asks the reflection, whose
    answer rewrites the report. The report has the research reports' sections, credits the
    tool as 002 does, and names no one."""
    bot = team.bot
    piet = team.principal
    await register(team)
    await piet.tap(bot.label("btn.guide_panel"), chat=team.group)
    await piet.tap(bot.label("btn.guide_open"), message=_panel(piet, team))
    await piet.tap(_write(team, "aim"), message=_panel(piet, team))
    await piet.send("Weten wie ontbreekt.")
    anna, bert, carla = team.members[:3]
    for n, (person, partner) in enumerate(((anna, "CLB"), (bert, "Sportclub Noord"),
                                           (carla, "CLB"))):  # fmt: skip
        await onboard(team, person, answer=f"Samen leren, antwoord {n}.")
        await add_partner(team, person, partner, "organisatie", "zorg", 1)
        await person.tap(bot.label("btn.done"))
    await piet.tap(bot.label("btn.guide_close_brainstorm"), message=_panel(piet, team))

    # Step 1 and the map reached the group: the newest open note is offered on the panel.
    panel = _panel(piet, team)
    assert _write(team, "map") in panel.button_labels
    assert parse_html(bot.t("notes.panel_count", written=1, count=3))[0] in panel.plain_text
    await piet.tap(_write(team, "map"), message=panel)
    await piet.send("Het CLB staat voor iedereen dichtbij.")
    # Step 1's note from the overview, then corrected: one text per step, the last one counts.
    await piet.tap(bot.label("notes.btn_all"))
    overview = piet.last()
    assert parse_html(bot.t("notes.line_empty", label=bot.label("notes.item_intro")))[0] in (
        overview.plain_text
    )
    await piet.tap(bot.label("notes.btn_item", label=bot.label("notes.item_intro")))
    await piet.send("We verstaan collectief leren verschillend.")
    await piet.tap(bot.label("notes.btn_edit"))
    assert "We verstaan collectief leren verschillend." in piet.last().plain_text
    await piet.send("Iedereen ziet collectief leren als delen met het hele team.")

    # A note taker among the members: chosen with a button, offered each newly shared step.
    await piet.tap(bot.label("notes.btn_all"))
    await piet.tap(bot.label("notes.btn_taker"))
    await piet.tap("Carla")
    assert piet.last_toast == bot.label("notes.taker_chosen")
    assert bot.t("notes.taker_you", school="Basisschool De Linde") in [
        m.text for m in carla.messages()
    ]
    # The second look at the merged map is closed first (nobody missed anyone).
    await piet.tap(bot.label("look.btn.close"), message=_panel(piet, team))
    await piet.tap(bot.label("btn.guide_priorities"), message=_panel(piet, team))
    for person in (anna, bert, carla):
        await person.tap("CLB")
        await person.tap(bot.label("btn.skip"))
    await piet.tap(bot.label("btn.guide_close_priorities"), message=_panel(piet, team))
    offer = carla.last()
    priorities = bot.label("notes.btn_item", label=bot.label("notes.item_priorities"))
    assert priorities in offer.button_labels
    # Someone who is neither facilitator nor note taker cannot write.
    await bert.tap(priorities, message=offer)
    assert bert.last_toast == bot.label("map.only_principal")
    await carla.tap(priorities, message=offer)
    await carla.send("De zorgpartners zijn voor iedereen prioritair.")
    assert "De zorgpartners zijn voor iedereen prioritair." in carla.last().plain_text
    # Carla's own dialog is untouched: her next message is not a note.
    async with bot.store.tx() as tx:
        assert await tx.writing(carla.user.id) is None

    # /afronden: the report, then the closing question on the method.
    await piet.tap(bot.label("btn.guide_finish"), message=_panel(piet, team))
    first = _reports(piet)[-1]
    for heading in ("report.team.conclusion", "report.team.reflection", "report.team.origin"):
        assert f"## {bot.label(heading)}" in first, heading
    for note in ("Weten wie ontbreekt.", "Het CLB staat voor iedereen dichtbij.",
                 "Iedereen ziet collectief leren als delen met het hele team.",
                 "De zorgpartners zijn voor iedereen prioritair."):  # fmt: skip
        assert first.count(note) == 1, note
    assert "We verstaan collectief leren verschillend." not in first
    assert bot.texts.template("report.team.no_reflection", "nl") in first
    assert bot.texts.plain("ABOUT", "nl") in first
    assert "https://data-onderwijs.vlaanderen.be/onderwijsonderzoek/?nr=429" in first
    question = next(m for m in piet.messages() if bot.label("notes.btn_answer") in m.button_labels)
    assert bot.t("notes.ask_reflection") in question.text
    assert await _versions_revised(team) == [0]

    await piet.tap(bot.label("notes.btn_answer"), message=question)
    await bot.restart()
    await piet.send("Fijn dat iedereen eerst zelf kon nadenken; samen praten bleef nodig.")
    assert parse_html(bot.t("notes.saved_report"))[0] in piet.last().plain_text
    revised = _reports(piet)[-1]
    assert revised != first
    assert "Fijn dat iedereen eerst zelf kon nadenken; samen praten bleef nodig." in revised
    assert bot.texts.template("report.team.no_reflection", "nl") not in revised
    assert await _versions_revised(team) == [1]
    # Never a person's name in the report, even with first names shown in the group.
    for name in ("Piet", "Anna", "Bert", "Carla"):
        assert name not in revised, name


async def test_first_names_in_the_group_never_reach_the_report(team: Team) -> None:
    """/namen aan shows first names beside shared answers; the report keeps 'Deelnemer N'."""
    bot = team.bot
    await open_round(team)
    await team.principal.send("/namen aan", chat=team.group)
    anna = team.members[0]
    await onboard(team, anna, answer="Samen leren met anderen.")
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)
    report = _reports(team.principal)[-1]
    assert "Samen leren met anderen." in report
    assert "Anna" not in report
    assert bot.texts.plain("share.participant", "nl", n=1) in report


async def test_a_note_button_of_an_earlier_round_changes_nothing(team: Team) -> None:
    """Last round's INTRO.I1 button, tapped after a new round opened, is an old button: no
    note is started in the new round (its own aim is asked on the control message)."""
    bot = team.bot
    piet = team.principal
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await piet.send("/sluit", chat=team.group)
    await piet.send("/start")
    await piet.send("/afronden", chat=team.group)
    old = next(m for m in piet.messages() if m.text == bot.t("notes.aim_message"))
    await piet.send("/ronde", chat=team.group)
    await piet.tap(_write(team, "aim"), message=old)
    assert piet.last_toast == bot.label("err.stale")
    async with bot.store.tx() as tx:
        assert await tx.writing(piet.user.id) is None
    assert _write(team, "aim") in _panel(piet, team).button_labels


async def test_step_1_reaching_the_group_is_offered_at_once(team: Team) -> None:
    """The last colleague of the group answers step 1 (the principal leads and need not) and
    the answers go to the group: the control message offers step 1's note and the note taker
    gets it offered, before anyone acts."""
    bot = team.bot
    piet = team.principal
    await register(team)
    await piet.tap(bot.label("btn.guide_panel"), chat=team.group)
    await piet.tap(bot.label("btn.guide_open"), message=_panel(piet, team))
    anna, bert, carla, dirk, els = team.members
    await onboard(team, anna)
    await piet.tap(bot.label("notes.btn_overview", written=0, count=1), message=_panel(piet, team))
    await piet.tap(bot.label("notes.btn_taker"))
    await piet.tap("Anna")
    step_1 = bot.label("notes.btn_item", label=bot.label("notes.item_intro"))
    assert step_1 not in anna.last().button_labels
    for person in (bert, carla, dirk):
        await onboard(team, person)
    assert not any(bot.t("INTRO.I3") in m.text for m in team.group.bot_messages if m.text)
    # Everyone in the group but the principal, who leads, has answered.
    await onboard(team, els)
    assert any(bot.t("INTRO.I3") in m.text for m in team.group.bot_messages if m.text)
    assert _write(team, "intro") in _panel(piet, team).button_labels
    assert step_1 in anna.last().button_labels
