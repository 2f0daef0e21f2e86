"""Agreed next steps that get followed up: made by taps at the end of step 4, one check-in per
commitment and date (also across restarts), "nog niet" asks for a new date once, and the
report, the control message, the map's caption and the yearly update show them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.testing.fakegram import FakeMessage, Person, parse_html
from core.commitments import Commitment, Status

from .conftest import Team, add_partner, onboard, register

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)
SCHOOL = "Basisschool De Linde"


def _plain(team: Team, key: str, **fields: object) -> str:
    return parse_html(team.bot.t(key, **fields))[0]


async def _step_four_closed(team: Team) -> None:
    """Round to the end of step 4: Anna and Bert name partners, Anna notes a missing partner
    with a next step; the principal runs everything from the control message."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.tap(bot.label("btn.guide_panel"), chat=team.group)
    await team.principal.send("/ronde", chat=team.group)
    anna, bert = team.members[:2]
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "Ouderraad", "team", "beleid", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    for _ in range(3):
        await anna.tap(bot.label("btn.skip"))
    await anna.tap(bot.label("btn.add_absence"))
    await anna.send("Kinderopvang")
    await anna.tap(bot.label("btn.skip"))
    await anna.send("Uitnodigen op het oudercafé")
    await team.principal.send("/sluit", chat=team.group)


async def _commitments(team: Team) -> list[Commitment]:
    async with team.bot.store.tx() as tx:
        return await tx.commitments_of(1)


def _checkins(person: Person, team: Team) -> list[FakeMessage]:
    """The check-ins this person received (answered ones lose their buttons, not the text)."""
    return [m for m in person.messages() if m.from_bot and "⏰" in m.plain_text]


async def _make_anna_kinderopvang(team: Team) -> None:
    """From the nudge after step 4: the noted next step, for Anna, by 4 January; Anna agrees."""
    bot = team.bot
    piet, anna = team.principal, team.members[0]
    nudge = piet.last()
    assert nudge.text == bot.t("commit.next_commitments")
    assert nudge.button_labels == [bot.label("commit.btn_start"), bot.label("btn.guide_finish")]
    await piet.tap(bot.label("commit.btn_start"))
    assert piet.last().text == bot.t("commit.ask_what_noted", number=1)
    await piet.tap("Kinderopvang: Uitnodigen op het oudercafé")
    assert piet.last().text == bot.t("commit.ask_owner")
    await piet.tap("Anna")
    assert piet.last().text == bot.t("commit.ask_due")
    await piet.send("4 januari")
    saved = piet.last()
    assert "Uitnodigen op het oudercafé" in saved.plain_text
    assert "maandag 4 januari 2027" in saved.plain_text
    asked = bot.label("commit.owner_asked", name="Anna")
    assert _plain(team, "commit.saved_asked", name=asked) in saved.plain_text
    question = anna.last()
    assert "Neem jij dit op?" in question.plain_text and SCHOOL in question.plain_text
    await anna.tap(bot.label("commit.btn_yes"))
    assert anna.last().text == bot.t("commit.person_yes", date="maandag 4 januari 2027")
    told = [m.text for m in piet.messages()]
    assert bot.t("commit.told_yes", name="Anna", what="Uitnodigen op het oudercafé") in told


async def test_the_facilitator_makes_commitments_and_each_is_checked_in_once_per_date(
    team: Team,
) -> None:
    """Two commitments by taps (one typed), the control message and the map's caption say
    "2 afspraken lopen", the check-in comes once on its date (not before, not again after a
    restart), "nog niet" asks a new date once, the second "nog niet" keeps it running."""
    bot = team.bot
    piet, anna, bert = team.principal, *team.members[:2]
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)

    # The second one: typed text, a partner of the map, a function, the first date button.
    await piet.tap(bot.label("commit.btn_more"))
    assert piet.last().text == bot.t("commit.ask_what_noted", number=2)
    await piet.send("Het CLB uitnodigen op het zorgoverleg")
    assert piet.last().text == bot.t("commit.ask_partner")
    assert "CLB" in piet.last().button_labels and "Kinderopvang" in piet.last().button_labels
    await piet.tap("CLB")
    await piet.tap(bot.label("map.role.zorg_leerlingenbegeleiding"))
    await piet.send("31-02")  # no such date: asked again, nothing saved
    assert piet.last().text == bot.t("commit.bad_date")
    await piet.tap("maandag 7 december")
    assert "2 afspraken lopen" in piet.last().plain_text
    await piet.tap(bot.label("commit.btn_finish"))
    assert piet.last().text == bot.t("commit.finished", count=2)
    assert [c.status for c in await _commitments(team)] == [Status.OPEN, Status.OPEN]
    # Typing goes back to the facilitator's other conversations.
    async with bot.store.tx() as tx:
        assert await tx.commitment_input(piet.user.id) is None

    panel = next(m for m in reversed(piet.messages())
                 if bot.label("btn.guide_team") in m.button_labels)  # fmt: skip
    assert "🤝 2 afspraken lopen" in panel.plain_text
    await piet.send("/kaart", chat=team.group)
    caption = team.group.last()
    assert caption.photo is not None and "2 afspraken lopen" in caption.plain_text
    # The group sees the count, never who took what on.
    assert not any("Anna" in m.plain_text and "oudercafé" in m.plain_text
                   for m in team.group.bot_messages)  # fmt: skip

    # The CLB one is due on Monday 7 December: nothing before 09:00, then one check-in to the
    # facilitator (the owner is a function), never a second one, also not after restarts.
    bot.clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=BXL))
    await bot.tick()
    assert _checkins(piet, team) == []
    bot.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=BXL))
    assert await bot.tick() == 1
    assert len(_checkins(piet, team)) == 1
    check = _checkins(piet, team)[0]
    assert "Het CLB uitnodigen op het zorgoverleg" in check.plain_text
    assert "zorg/leerlingenbegeleiding" in check.plain_text
    for _ in range(3):
        await bot.restart()
        bot.clock.advance(timedelta(hours=1))
        await bot.tick()
    assert len(_checkins(piet, team)) == 1
    assert _checkins(anna, team) == [] and _checkins(bert, team) == []

    # "Nog niet": a new date, typed; on it, one check-in more; "nog niet" again: no third.
    await piet.tap(bot.label("commit.btn_notyet"), message=check)
    assert piet.last().text == bot.t("commit.answer_notyet")
    await piet.tap(bot.label("commit.btn_notyet"), message=check)
    assert piet.last_toast == bot.label("commit.already")
    await piet.send("18/12")
    assert piet.last().text == bot.t("commit.newdate_saved", date="vrijdag 18 december")
    bot.clock.set(datetime(2026, 12, 18, 9, 5, tzinfo=BXL))
    await bot.restart()
    await bot.tick()
    await bot.tick()
    assert len(_checkins(piet, team)) == 2
    await piet.tap(bot.label("commit.btn_notyet"))
    assert piet.last().text == bot.t("commit.answer_notyet_last")
    await piet.send("Het zorgoverleg van december viel weg.")
    assert piet.last().text == bot.t("commit.note_saved")
    bot.clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=BXL))
    await bot.tick()
    assert len(_checkins(piet, team)) == 2

    # Anna's is due on Monday 4 January: she gets it (once), answers after a restart.
    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    await bot.restart()
    await bot.tick()
    assert len(_checkins(anna, team)) == 1
    await anna.tap(bot.label("commit.btn_done"))
    assert anna.last().text == bot.t("commit.answer_done")
    await anna.tap(bot.label("commit.btn_skip"))
    assert anna.last().text == bot.t("commit.note_skipped")
    stored = await _commitments(team)
    assert [c.status for c in stored] == [Status.DONE, Status.OPEN]
    assert stored[1].note == "Het zorgoverleg van december viel weg."

    # Figures: check-ins per commitment per date (each exactly 1) and messages per commitment.
    per_date: Counter[tuple[int, str]] = Counter()
    async with bot.store.tx() as tx:
        for c in stored:
            per_date.update((c.id, ci.due_date) for ci in await tx.checkins(c.id))
    assert per_date == {(1, "2027-01-04"): 1, (2, "2026-12-07"): 1, (2, "2026-12-18"): 1}
    sent = {
        c.what: sum(1 for p in team.everyone for m in p.messages()
                    if m.from_bot and c.what in m.plain_text)
        for c in stored
    }  # fmt: skip
    print(f"check-ins per commitment per date: {dict(per_date)}; messages per commitment: {sent}")
    assert all(count <= 6 for count in sent.values()), sent


async def test_the_report_lists_commitments_by_function_and_the_yearly_update_starts_from_them(
    team: Team,
) -> None:
    """The report names what, the partner, a function (never a name; a function fewer than
    three share becomes 'een collega') and the date; a year later the reminder asks whether
    the partner came closer."""
    bot = team.bot
    piet = team.principal
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)
    await piet.tap(bot.label("commit.btn_more"))
    await piet.send("Het CLB uitnodigen op het zorgoverleg")
    await piet.tap("CLB")
    await piet.tap(bot.label("map.role.zorg_leerlingenbegeleiding"))
    await piet.tap("maandag 7 december")
    await piet.tap(bot.label("commit.btn_finish"))
    await piet.tap(bot.label("btn.guide_finish"))
    async with bot.store.tx() as tx:
        version = await tx.latest_map_version(1)
    assert version is not None
    report = version.report_md
    assert bot.label("report.agreed.title") in report
    line = bot.label(
        "commit.report_line",
        what="Uitnodigen op het oudercafé",
        partner=bot.label("commit.for_partner", partner="Kinderopvang"),
        owner=bot.label("commit.owner_colleague"),
        date="maandag 4 januari 2027",
        status=bot.label("commit.status_open"),
    )
    assert line in report
    assert "Anna" not in report.split(bot.label("report.agreed.title"))[1]

    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    await team.members[0].tap(bot.label("commit.btn_done"))
    bot.clock.set(datetime(2027, 11, 24, 10, 0, tzinfo=BXL))
    await bot.tick()
    reminder = team.group.last()
    assert bot.label("btn.new_round") in reminder.button_labels
    assert _plain(team, "commit.yearly_question", partner="Kinderopvang") in reminder.plain_text
    assert "Uitnodigen op het oudercafé (voor Kinderopvang) – gebeurd" in reminder.plain_text
    assert "Het CLB uitnodigen op het zorgoverleg (voor CLB) – loopt" in reminder.plain_text
    assert "Anna" not in reminder.plain_text
    # In the new round, Anna's card of last year's CLB starts from what was agreed about it.
    await piet.tap(bot.label("btn.new_round"), message=reminder, chat=team.group)
    await onboard(team, team.members[0])
    card = team.members[0].last()
    assert "CLB" in card.plain_text and "(1 van 1)" in card.plain_text
    assert _plain(team, "commit.yearly_question", partner="CLB") in card.plain_text
    assert "Het CLB uitnodigen op het zorgoverleg – loopt" in card.plain_text


async def test_an_owner_who_left_is_not_asked_the_facilitator_is(team: Team) -> None:
    """Anna agreed, then left the group: on the date the facilitator gets the check-in, with
    'een collega die niet meer in de groep zit', and Anna gets nothing."""
    bot = team.bot
    piet, anna = team.principal, team.members[0]
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)
    await anna.leave(team.group)
    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    await bot.tick()
    assert _checkins(anna, team) == []
    assert len(_checkins(piet, team)) == 1
    assert bot.label("commit.owner_gone") in _checkins(piet, team)[0].plain_text


async def test_forget_me_removes_the_ownership_and_the_facilitator_follows_up(
    team: Team,
) -> None:
    """/vergeetmij: the commitment stays the team's, without Anna (no person, no function of
    hers); the check-in goes to the facilitator."""
    bot = team.bot
    piet, anna = team.principal, team.members[0]
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)
    async with bot.store.tx() as tx:
        assert [c.id for c in await tx.owned_commitments(anna.user.id)] == [1]
    await anna.send("/mijngegevens")
    assert _plain(team, "commit.mydata_header", count=1) in anna.last().plain_text
    assert "Uitnodigen op het oudercafé (voor Kinderopvang)" in anna.last().plain_text
    await anna.send("/vergeetmij")
    await anna.tap(bot.label("btn.forget_yes"))
    async with bot.store.tx() as tx:
        assert await tx.owned_commitments(anna.user.id) == []
        (stored,) = await tx.commitments_of(1)
    assert stored.owner_user_id is None and stored.owner_role is None
    assert stored.status is Status.OPEN and stored.what == "Uitnodigen op het oudercafé"
    await anna.send("/mijngegevens")
    assert _plain(team, "commit.mydata_header", count=1) not in anna.last().plain_text
    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    assert _checkins(anna, team) == []
    assert len(_checkins(piet, team)) == 1


async def test_forget_me_removes_the_line_written_after_a_checkin(team: Team) -> None:
    """Anna answered her check-in with a line: /vergeetmij takes the line away, the
    commitment's outcome stays."""
    bot = team.bot
    anna = team.members[0]
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)
    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    await anna.tap(bot.label("commit.btn_done"))
    await anna.send("Drie ouders van de opvang kwamen naar het oudercafé.")
    async with bot.store.tx() as tx:
        (stored,) = await tx.commitments_of(1)
    assert stored.note == "Drie ouders van de opvang kwamen naar het oudercafé."
    await anna.send("/vergeetmij")
    await anna.tap(bot.label("btn.forget_yes"))
    async with bot.store.tx() as tx:
        (stored,) = await tx.commitments_of(1)
        (checkin,) = await tx.checkins(stored.id)
    assert stored.note is None and stored.note_by is None and stored.status is Status.DONE
    assert checkin.chat_id == 0 and checkin.answer == "done"
    raw = bot.db_path.read_bytes()
    assert b"Drie ouders van de opvang" not in raw


async def test_a_person_who_says_no_lets_the_facilitator_choose_someone_else(team: Team) -> None:
    """Bert declines: the facilitator is told with a button to choose someone else; the
    check-in then goes to whoever takes it."""
    bot = team.bot
    piet, bert, carla = team.principal, team.members[1], team.members[2]
    await _step_four_closed(team)
    await piet.tap(bot.label("commit.btn_start"))
    await piet.send("Ouderraad uitnodigen voor de netwerkkaart")
    await piet.tap("Ouderraad")
    await piet.tap("Bert")
    await piet.tap("maandag 7 december")
    await bert.tap(bot.label("commit.btn_no"))
    assert bert.last().text == bot.t("commit.person_no")
    told = piet.last()
    assert told.text == bot.t(
        "commit.told_no", name="Bert", what="Ouderraad uitnodigen voor de netwerkkaart"
    )
    await bert.tap(bot.label("commit.btn_yes"), message=bert.messages()[-2])
    assert bert.last_toast == bot.label("commit.already")
    # Carla did not join the round: only members of the round are offered.
    await piet.tap(bot.label("commit.btn_other_owner"))
    assert "Carla" not in piet.last().button_labels
    await piet.tap(bot.label("commit.btn_me"))
    bot.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=BXL))
    await bot.tick()
    assert len(_checkins(piet, team)) == 1 and _checkins(bert, team) == []
    assert _checkins(carla, team) == []


async def test_commitments_wait_for_the_end_of_step_four_and_only_facilitators_make_them(
    team: Team,
) -> None:
    """Before step 4 closed the control message has no commitment button; a member cannot
    use the facilitator's buttons."""
    bot = team.bot
    piet, anna = team.principal, team.members[0]
    bot.clock.set(MONDAY_10)
    await register(team)
    await piet.tap(bot.label("btn.guide_panel"), chat=team.group)
    assert bot.label("commit.btn_start") not in piet.last().button_labels
    await _step_four_closed_again(team)
    await piet.tap(bot.label("commit.btn_start"))
    what = piet.last()
    cancel = next(b.callback_data for row in what.buttons for b in row
                  if b.label == bot.label("commit.btn_cancel"))  # fmt: skip
    assert cancel is not None
    await anna.tap_data(cancel)
    assert anna.last_toast == bot.label("map.only_principal")
    await piet.tap(bot.label("commit.btn_cancel"))
    assert piet.last().text == bot.t("commit.cancelled")
    assert await _commitments(team) == []


async def _step_four_closed_again(team: Team) -> None:
    """The rest of _step_four_closed after the registration (the panel is open already)."""
    bot = team.bot
    await team.principal.send("/ronde", chat=team.group)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    await team.principal.send("/sluit", chat=team.group)
    assert bot.label("commit.btn_start") in team.principal.last().button_labels


async def test_a_checkin_due_on_a_saturday_waits_for_monday_morning(team: Team) -> None:
    """No check-in outside the sending hours: a date typed on a Saturday is asked on Monday
    at 08:00, once."""
    bot = team.bot
    piet = team.principal
    await _step_four_closed(team)
    await piet.tap(bot.label("commit.btn_start"))
    await piet.send("Ouderraad uitnodigen")
    await piet.tap(bot.label("commit.btn_no_partner"))
    await piet.tap(bot.label("map.role.directie"))
    await piet.send("za 12 december")
    assert "zaterdag 12 december" in piet.last().plain_text
    for moment in (datetime(2026, 12, 12, 9, 0, tzinfo=BXL),
                   datetime(2026, 12, 13, 12, 0, tzinfo=BXL),
                   datetime(2026, 12, 14, 7, 59, tzinfo=BXL)):  # fmt: skip
        bot.clock.set(moment)
        await bot.tick()
        assert _checkins(piet, team) == [], moment
    bot.clock.set(datetime(2026, 12, 14, 8, 0, tzinfo=BXL))
    await bot.tick()
    await bot.restart()
    bot.clock.advance(timedelta(hours=3))
    await bot.tick()
    assert len(_checkins(piet, team)) == 1
    assert bot.label("map.role.directie") in _checkins(piet, team)[0].plain_text


async def test_old_forged_and_foreign_commitment_buttons_change_nothing(team: Team) -> None:
    """Someone else's check-in, a made-up date, garbage data: the calm 'old button' answer,
    nothing stored."""
    bot = team.bot
    piet, anna, bert = team.principal, *team.members[:2]
    await _step_four_closed(team)
    await _make_anna_kinderopvang(team)
    bot.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BXL))
    await bot.tick()
    (check,) = _checkins(anna, team)
    done = next(b.callback_data for row in check.buttons for b in row
                if b.label == bot.label("commit.btn_notyet"))  # fmt: skip
    assert done is not None
    await bert.tap_data(done)
    assert bert.last_toast == bot.label("err.stale")
    for forged in ("o:1:newdate:2020-01-01", "o:1:due:2027-02-01", "o:99:done:1", "o:x:y:z",
                   "o:1:owner:u-424242"):  # fmt: skip
        await piet.tap_data(forged)
        assert piet.last_toast in (bot.label("err.stale"), bot.label("commit.already")), forged
    async with bot.store.tx() as tx:
        (stored,) = await tx.commitments_of(1)
        (checkin,) = await tx.checkins(stored.id)
    assert stored.status is Status.OPEN and stored.due_date == "2027-01-04"
    assert checkin.answer is None
    await anna.tap(bot.label("commit.btn_notyet"))
    await anna.tap_data("o:1:newdate:2020-01-01")
    assert anna.last_toast == bot.label("err.stale")
    await anna.send("1 februari")
    assert anna.last().text == bot.t("commit.newdate_saved", date="maandag 1 februari")


async def test_a_checkin_due_in_the_christmas_holiday_waits_for_the_first_school_day(
    team: Team,
) -> None:
    """The school calendar holds for check-ins too: a date in the Christmas holiday is asked
    on the first school day after it (Monday 4 January 2027), once."""
    bot = team.bot
    piet = team.principal
    await _step_four_closed(team)
    await piet.tap(bot.label("commit.btn_start"))
    await piet.send("Ouderraad uitnodigen")
    await piet.tap(bot.label("commit.btn_no_partner"))
    await piet.tap(bot.label("map.role.directie"))
    await piet.send("ma 28 december")
    assert "maandag 28 december" in piet.last().plain_text
    day = datetime(2026, 12, 28, 12, 0, tzinfo=BXL)
    while day < datetime(2027, 1, 4, 7, 0, tzinfo=BXL):
        bot.clock.set(day)
        await bot.tick()
        assert _checkins(piet, team) == [], day
        day += timedelta(hours=12)
    await bot.restart()
    bot.clock.set(datetime(2027, 1, 4, 10, 0, tzinfo=BXL))
    await bot.tick()
    await bot.tick()
    assert len(_checkins(piet, team)) == 1


async def test_commitments_made_after_finishing_rewrite_the_kept_report_once(team: Team) -> None:
    """The round was kept first, the commitments come after: 'Klaar' rewrites the kept report
    with them and sends it again (the map stays the same); a second tap sends nothing more."""
    bot = team.bot
    piet = team.principal
    await _step_four_closed(team)
    await piet.tap(bot.label("btn.guide_finish"))
    async with bot.store.tx() as tx:
        kept = await tx.latest_map_version(1)
    assert kept is not None and bot.label("report.agreed.title") not in kept.report_md
    start = bot.label("commit.btn_start")
    panel = next(m for m in reversed(piet.messages()) if start in m.button_labels)
    await piet.tap(start, message=panel)
    await piet.send("Het CLB uitnodigen op het zorgoverleg")
    await piet.tap("CLB")
    await piet.tap(bot.label("map.role.zorg_leerlingenbegeleiding"))
    await piet.tap("maandag 7 december")
    saved = piet.last()
    reports = sum(m.document_name == "netwerkkaart-ronde1-verslag.pdf" for m in piet.messages())
    await piet.tap(bot.label("commit.btn_finish"), message=saved)
    async with bot.store.tx() as tx:
        revised = await tx.latest_map_version(1)
    assert revised is not None and revised.id == kept.id
    assert "Het CLB uitnodigen op het zorgoverleg" in revised.report_md
    assert bytes(revised.png) == bytes(kept.png)
    sent = sum(m.document_name == "netwerkkaart-ronde1-verslag.pdf" for m in piet.messages())
    assert sent == reports + 1
    await piet.tap(bot.label("commit.btn_finish"), message=saved)
    again = sum(m.document_name == "netwerkkaart-ronde1-verslag.pdf" for m in piet.messages())
    assert again == sent
