"""The guided facilitator: one control message in private runs the whole protocol by taps."""

from __future__ import annotations

from bot.testing.fakegram import FakeMessage, Person, parse_html

from .conftest import Team, add_partner, onboard, register


def _panel(person: Person, team: Team) -> FakeMessage:
    """The person's control message (the newest one with the team button)."""
    label = team.bot.label("btn.guide_team")
    for message in reversed(person.messages()):
        if label in message.button_labels:
            return message
    raise AssertionError(f"{person} has no control message")


async def _open_panel(team: Team) -> FakeMessage:
    """Register (typed, the only typing), then the registration's button opens the panel."""
    await register(team)
    await team.principal.tap(team.bot.label("btn.guide_panel"), chat=team.group)
    return _panel(team.principal, team)


def _line(team: Team, mark: str, line: str) -> str:
    """One checklist line as the facilitator reads it."""
    text = team.bot.t(f"control.mark_{mark}", line=team.bot.label(f"control.{line}"))
    return parse_html(text)[0]


async def test_a_principal_runs_every_step_and_the_member_check_by_taps_only(team: Team) -> None:
    """From the registration on, the principal types nothing: the control message is edited in
    place through every step, shows done / now / next with counts, and names the next step."""
    bot = team.bot
    piet = team.principal
    panel = await _open_panel(team)
    panel_id = panel.message_id
    assert _line(team, "next", "line_round") in panel.plain_text
    assert bot.label("btn.guide_open") in panel.button_labels

    await piet.tap(bot.label("btn.guide_open"), message=panel)
    anna, bert, carla = team.members[:3]
    for person, partner in ((anna, "Bakkerij Peeters"), (bert, "Sportclub Noord"),
                            (carla, "Bakkerij Peeters")):  # fmt: skip
        await onboard(team, person)
        await add_partner(team, person, partner, "organisatie", "aanbod", 1)
    await anna.tap(bot.label("btn.done"))
    panel = _panel(piet, team)
    assert panel.message_id == panel_id and panel.edited
    assert _line(team, "now", "line_round") in panel.plain_text
    assert "klaar: 1 van 3" in panel.plain_text

    # Not everyone is done: closing asks first.
    await piet.tap(bot.label("btn.guide_close_brainstorm"), message=panel)
    assert piet.last().text == bot.t("control.close_confirm", done=1, joined=3)
    await piet.tap(bot.label("btn.guide_close_yes"))
    async with bot.store.tx() as tx:
        stored = await tx.latest_round_of((await tx.team_by_chat(team.group.id)).id)
    assert stored is not None and stored.step == "brainstorm_closed"
    # The group has the map: the second look runs, with the protocol's MAP.I and one button.
    assert piet.last().text == bot.t("look.principal_opened", invited=3, disputed="")
    assert piet.last().button_labels == [bot.label("look.btn.close")]
    look_line = parse_html(bot.t("control.mark_now", line=bot.label("look.control_line")))[0]
    assert look_line in _panel(piet, team).plain_text
    await piet.tap(bot.label("look.btn.close"), message=_panel(piet, team))
    # The next step, in one plain sentence with its button, as a new message.
    assert piet.last().text == bot.t("control.next_priorities")
    assert piet.last().button_labels == [bot.label("btn.guide_priorities")]
    panel = _panel(piet, team)
    assert panel.message_id == panel_id
    assert _line(team, "done", "line_round") in panel.plain_text
    assert _line(team, "next", "line_priorities") in panel.plain_text

    await piet.tap(bot.label("btn.guide_priorities"))
    for person in (anna, bert, carla):
        await person.tap("Bakkerij Peeters")
        await person.tap(bot.label("btn.skip"))
    panel = _panel(piet, team)
    assert panel.message_id == panel_id
    assert _line(team, "now", "line_priorities") in panel.plain_text
    assert "klaar: 3 van 3" in panel.plain_text
    # Everyone is done: no question, the step closes.
    await piet.tap(bot.label("btn.guide_close_priorities"), message=panel)
    assert piet.last().text == bot.t("control.next_deep")

    # Choosing other partners happens on the group's choice, which the button posts.
    await piet.tap(bot.label("btn.guide_deep"), message=_panel(piet, team))
    assert piet.last_toast == bot.label("control.deep_in_group")
    assert bot.label("btn.deep_start") in team.group.last().button_labels
    # Step 3 in one tap, with the partner most members circled.
    await piet.tap(bot.label("btn.guide_deepgo"), message=_panel(piet, team))
    async with bot.store.tx() as tx:
        stored = await tx.latest_round_of((await tx.team_by_chat(team.group.id)).id)
        assert stored is not None and stored.step == "deep"
        session = await tx.deep_session(stored.id, "open")
        assert session is not None
        assert [label for _, label in await tx.deep_partners(int(session.id))] == [
            "Bakkerij Peeters"
        ]
    panel = _panel(piet, team)
    assert _line(team, "now", "line_deep") in panel.plain_text
    await piet.tap(bot.label("btn.guide_close_deep"), message=panel)
    await piet.tap(bot.label("btn.guide_close_yes"))
    assert piet.last().text == bot.t("control.next_closing")

    await piet.tap(bot.label("btn.guide_closing"))
    await piet.tap(bot.label("btn.guide_close_closing"), message=_panel(piet, team))
    await piet.tap(bot.label("btn.guide_close_yes"))
    # After step 4 the next steps become commitments first (tests/flows/test_commitments.py).
    assert piet.last().text == bot.t("commit.next_commitments")
    assert piet.last().button_labels == [bot.label("commit.btn_start"),
                                         bot.label("btn.guide_finish")]  # fmt: skip

    await piet.tap(bot.label("btn.guide_finish"))
    assert any(m.document_name and m.document_name.endswith("verslag.pdf")
               for m in piet.messages())  # fmt: skip
    assert piet.last().text == bot.t("control.next_mc")
    panel = _panel(piet, team)
    assert _line(team, "done", "line_finish") in panel.plain_text

    await piet.tap(bot.label("btn.guide_mc"))
    assert bot.label("btn.survey_join") in team.group.last().button_labels
    panel = _panel(piet, team)
    assert _line(team, "now", "line_membercheck") in panel.plain_text
    # A colleague of the wider team answers: the count follows.
    dirk = team.members[3]
    await dirk.tap(bot.label("btn.survey_join"), message=team.group.last(), chat=team.group)
    await dirk.tap(bot.label("btn.survey_start"))
    await dirk.tap(bot.label("role.leraar"))
    await dirk.tap(bot.label("btn.skip"))
    for n in range(1, 5):
        await dirk.send(f"Antwoord {n}.")
        await dirk.tap(bot.label("btn.next_question"))
        if n == 3:
            await dirk.tap(bot.label("btn.done"))
    panel = _panel(piet, team)
    assert panel.message_id == panel_id
    assert parse_html(bot.t("control.mc_count", count=1))[0] in panel.plain_text
    await piet.tap(bot.label("btn.guide_mc_close"), message=panel)
    panel = _panel(piet, team)
    assert panel.message_id == panel_id
    for line in ("line_round", "line_priorities", "line_deep", "line_closing", "line_finish",
                 "line_membercheck"):  # fmt: skip
        assert _line(team, "done", line) in panel.plain_text, line
    # Nothing left to start: no "next step" line and no button to start the check again.
    assert bot.label("btn.guide_mc") not in panel.button_labels
    assert parse_html(bot.t("control.next_mc"))[0] not in panel.plain_text

    # Typed by the principal after registering: nothing but the link's own /start.
    typed_group = [m.text for m in team.group.messages if m.from_user.id == piet.user.id]
    typed_private = [m.text for m in piet.chat.messages if m.from_user.id == piet.user.id]
    assert typed_group == ["/start", "Basisschool De Linde"]
    assert typed_private == [f"/start ctl{1}"]


async def test_start_in_private_shows_the_control_message_and_help_lists_commands(
    team: Team,
) -> None:
    """A principal's /start in private is the control message, never 'ask your principal';
    /help lists the principal's commands."""
    bot = team.bot
    await register(team)
    await team.principal.send("/start")
    assert team.principal.last().text != bot.t("dm.hello")
    assert bot.label("btn.guide_open") in team.principal.last().button_labels
    await team.principal.send("/help")
    shown = team.principal.last().text
    for key in ("help.edit", "help.map", "help.export", "help.report", "help.round"):
        assert bot.t(key) in shown, key


async def test_the_role_is_handed_to_a_member_who_can_act_too(team: Team) -> None:
    """The principal hands the role to a member; both get the control message, either acts,
    and both control messages follow."""
    bot = team.bot
    piet = team.principal
    panel = await _open_panel(team)
    await piet.tap(bot.label("btn.guide_open"), message=panel)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 2)
    await piet.tap(bot.label("btn.guide_team"), message=_panel(piet, team))
    assert piet.last().text == bot.t("control.team_choose")
    await piet.tap("Anna")
    assert piet.last_toast == bot.label("control.handed")
    anna_panel = _panel(anna, team)
    assert bot.t("control.handed_to_you", school="Basisschool De Linde") in [
        m.text for m in anna.messages()
    ]
    assert bot.t("control.co_facilitators", names="Anna") in _panel(piet, team).text
    # Anna closes the brainstorm from her own control message.
    await anna.tap(bot.label("btn.guide_close_brainstorm"), message=anna_panel)
    await anna.tap(bot.label("btn.guide_close_yes"))
    async with bot.store.tx() as tx:
        stored = await tx.latest_round_of((await tx.team_by_chat(team.group.id)).id)
    assert stored is not None and stored.step == "brainstorm_closed"
    for person in (piet, anna):
        assert _line(team, "done", "line_round") in _panel(person, team).plain_text
    assert _panel(anna, team).message_id == anna_panel.message_id
    # Someone without the role cannot use the buttons.
    await bert.tap(bot.label("look.btn.close"), message=_panel(anna, team))
    assert bert.last_toast == bot.label("map.only_principal")
    # Either may finish: both facilitators get the report.
    await anna.tap(bot.label("btn.guide_finish"), message=_panel(anna, team))
    for person in (piet, anna):
        names = [m.document_name or "" for m in person.messages()]
        assert any(name.endswith("verslag.pdf") for name in names), person
    # The principal takes the role back: Anna's control message says so and loses its buttons.
    await piet.tap(bot.label("btn.guide_team"), message=_panel(piet, team))
    await piet.tap(bot.label("btn.guide_drop", name="Anna"))
    assert piet.last_toast == bot.label("control.dropped")
    gone = next(m for m in anna.messages() if m.message_id == anna_panel.message_id)
    assert gone.text == bot.t("control.role_ended", school="Basisschool De Linde")
    assert gone.buttons == []
    assert bot.t("control.co_facilitators", names="Anna") not in _panel(piet, team).text
    await anna.tap(bot.label("btn.guide_mc"))
    assert anna.last_toast == bot.label("map.only_principal")
