"""Deadlines and reminders in simulated time: each sent once, never in quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.protocol import Step

from .conftest import Team, add_partner, onboard, register

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)


async def _round_with_deadline(team: Team, term: str = "7d") -> None:
    team.bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send(f"/ronde {term}", chat=team.group)


def _count(person, text: str) -> int:  # type: ignore[no-untyped-def]
    return sum(text in m.plain_text for m in person.messages())


async def test_reminders_then_the_deadline_closes_the_brainstorm(team: Team) -> None:
    """Two reminders for who is not done, then the step closes by itself; nothing twice."""
    bot = team.bot
    await _round_with_deadline(team)
    assert "maandag 30 november om 10:00" in team.group.last().plain_text
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.tap(bot.label("btn.done"))
    reminder = "Een vriendelijke herinnering"
    bot.clock.advance(timedelta(days=3, hours=12))  # Thursday 22:00: quiet hours
    assert await bot.tick() == 0
    assert _count(bert, reminder) == 0
    bot.clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=BXL))  # Friday 08:00
    assert await bot.tick() == 1
    assert await bot.tick() == 0  # the same reminder never goes out twice
    assert _count(bert, reminder) == 1 and _count(anna, reminder) == 0
    assert "1 van 2 deelnemers zijn nog bezig" in team.group.last().plain_text
    bot.clock.set(datetime(2026, 11, 29, 10, 0, tzinfo=BXL))  # Sunday: waits until Monday
    assert await bot.tick() == 0
    bot.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=BXL))
    assert await bot.tick() == 1  # the day-before reminder, postponed to Monday morning
    bot.clock.set(datetime(2026, 11, 30, 10, 1, tzinfo=BXL))
    assert await bot.tick() == 1  # the deadline
    assert _count(bert, reminder) == 2
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
    assert round_ is not None and round_.step == Step.BRAINSTORM_CLOSED.value
    assert any(m.photo is not None for m in team.group.bot_messages)
    assert await bot.tick() == 0


async def test_a_restart_between_planning_and_sending_loses_nothing(team: Team) -> None:
    """The schedule lives in the database: after a restart the due reminder still goes out once."""
    bot = team.bot
    await _round_with_deadline(team, "2d")
    bert = team.members[1]
    await onboard(team, bert)
    await bot.restart()
    bot.clock.set(MONDAY_10 + timedelta(days=1))
    assert await bot.tick() == 1
    await bot.restart()
    assert await bot.tick() == 0
    assert _count(bert, "Een vriendelijke herinnering") == 1


async def test_closing_by_hand_cancels_the_reminders(team: Team) -> None:
    """When the principal closes the step first, no reminder or deadline follows."""
    bot = team.bot
    await _round_with_deadline(team)
    await onboard(team, team.members[0])
    await team.principal.send("/sluit", chat=team.group)
    bot.clock.advance(timedelta(days=8))
    assert await bot.tick() == 0


async def test_an_interrupted_action_is_resumed_without_repeats(team: Team) -> None:
    """The bot died half-way through a reminder: after a restart the rest goes out, once."""
    bot = team.bot
    await _round_with_deadline(team, "2d")
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    bot.clock.set(MONDAY_10 + timedelta(days=1))
    deliverer = bot.app.bot_data["deliverer"]
    deliverer.bot = None  # the process dies after the reminder was decided, before sending
    assert await bot.tick() == 1
    async with bot.store.tx() as tx:
        owed = await tx.pending_outbox(bot.clock.now())
    # Anna's reminder went out just before the process died (and was recorded).
    anna_row = next(r for r in owed if r.effect.chat_id == anna.user.id)
    deliverer.bot = bot.app.bot
    await deliverer._deliver_row(anna_row)
    assert _count(anna, "Een vriendelijke herinnering") == 1
    await bot.restart()
    assert await bot.tick() == 0
    assert _count(anna, "Een vriendelijke herinnering") == 1
    assert _count(bert, "Een vriendelijke herinnering") == 1
    assert "2 van 2 deelnemers zijn nog bezig" in team.group.last().plain_text
    await bot.restart()
    assert await bot.tick() == 0
    assert _count(bert, "Een vriendelijke herinnering") == 1
    async with bot.store.tx() as tx:
        assert await tx.pending_outbox(bot.clock.now()) == []


async def test_deadline_needs_a_running_step_and_a_clear_term(team: Team) -> None:
    """/deadline explains itself when there is no step or the term is unclear."""
    bot = team.bot
    await register(team)
    await team.principal.send("/deadline 7d", chat=team.group)
    assert team.group.last().text == bot.t("group.deadline_no_step")
    await team.principal.send("/ronde", chat=team.group)
    await team.principal.send("/deadline binnenkort", chat=team.group)
    assert team.group.last().text == bot.t("group.deadline_usage")


async def test_the_ticker_starts_and_stops_with_the_application(bot) -> None:  # type: ignore[no-untyped-def]
    """In production the ticker runs on the bot's loop, with a first tick right away."""
    from bot.app import _post_init, _post_stop

    bot.app.bot_data["start_scheduler"] = True
    await _post_init(bot.app)
    scheduler = bot.app.bot_data["scheduler"]
    job = scheduler._apscheduler.get_jobs()[0]
    assert job.misfire_grace_time is None and job.coalesce
    await _post_stop(bot.app)
    assert scheduler._apscheduler is None


async def test_unreachable_members_are_counted_with_the_join_button(team: Team) -> None:
    """A member who blocked the bot is not retried; the group sees a count and the join button."""
    bot = team.bot
    await _round_with_deadline(team, "4d")
    bert = team.members[1]
    await onboard(team, bert)
    bert.block_bot()
    bot.clock.set(MONDAY_10 + timedelta(days=2))
    assert await bot.tick() == 1
    notice = team.group.last()
    assert notice.text == bot.t("group.not_reachable", count=1)
    assert notice.button_labels == [bot.label("btn.join")]

    def tries() -> int:
        return sum(
            1 for name, params in bot.fake.calls
            if name == "sendMessage" and str(params.get("chat_id")) == str(bert.user.id)
        )  # fmt: skip

    # The second reminder does not write to Bert again; the count stays.
    before = tries()
    bot.clock.set(MONDAY_10 + timedelta(days=3))
    assert await bot.tick() == 1
    assert tries() == before
    assert team.group.last().text == bot.t("group.not_reachable", count=1)
    # Bert unblocks the bot from its profile (no message): Telegram says so, he is reachable.
    await bert.unblock_bot()
    async with bot.store.tx() as tx:
        assert await tx.blocked([bert.user.id]) == set()
        await tx.mark_blocked([bert.user.id])
    # Writing again (or tapping a button) does the same.
    await bert.send("/start")
    async with bot.store.tx() as tx:
        assert await tx.blocked([bert.user.id]) == set()


async def test_a_year_after_finishing_the_team_is_reminded_once(team: Team) -> None:
    """/afronden plans the yearly update reminder; it reaches group and principal once."""
    bot = team.bot
    await _round_with_deadline(team)
    await onboard(team, team.members[0])
    await add_partner(team, team.members[0], "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)
    bot.clock.advance(timedelta(days=200))
    assert await bot.tick() == 0
    bot.clock.set(datetime(2027, 11, 24, 10, 0, tzinfo=BXL))
    assert await bot.tick() == 1
    reminder = team.group.last()
    assert "23-11-2026" in reminder.plain_text
    assert team.principal.last().text == reminder.text
    assert await bot.tick() == 0
    await team.members[0].tap(bot.label("btn.new_round"), message=reminder, chat=team.group)
    assert team.members[0].last_toast == bot.label("map.only_principal")
    await team.principal.tap(bot.label("btn.new_round"), message=reminder, chat=team.group)
    assert "Ronde 2" in team.announcement().plain_text


async def test_the_principal_chooses_when_messages_may_go_out(team: Team) -> None:
    """/berichturen: every day, or always; a time zone of the team's own; members cannot."""
    bot = team.bot
    await _round_with_deadline(team)
    anna, bert = team.members[:2]
    await onboard(team, bert)
    await team.principal.send("/berichturen", chat=team.group)
    shown = team.group.last().text
    assert bot.t("group.send_hours_usage") in shown
    assert bot.label("group.send_days_weekdays") in shown and "Europe/Brussels" in shown
    await anna.send("/berichturen altijd", chat=team.group)
    assert "alleen de gespreksleider" in team.group.last().plain_text
    for zone in ("Mars/Olympus", "Europe", "../../etc/passwd", "x" * 300):
        await team.principal.send(f"/berichturen tijdzone {zone}", chat=team.group)
        assert team.group.last().text == bot.t("group.timezone_unknown", zone=zone)
    await team.principal.send("/berichturen elkedag", chat=team.group)
    assert team.group.last().text == bot.t(
        "group.send_hours", when=bot.label("group.send_days_everyday"), zone="Europe/Brussels"
    )
    reminder = "Een vriendelijke herinnering"
    bot.clock.set(datetime(2026, 11, 28, 22, 0, tzinfo=BXL))  # Saturday night: still quiet
    assert await bot.tick() == 0
    bot.clock.set(datetime(2026, 11, 29, 8, 0, tzinfo=BXL))  # Sunday 08:00 is allowed now
    assert await bot.tick() == 1
    assert _count(bert, reminder) == 1
    await team.principal.send("/berichturen altijd", chat=team.group)
    await team.principal.send("/berichturen tijdzone Europe/Lisbon", chat=team.group)
    assert team.group.last().text == bot.t(
        "group.send_hours", when=bot.label("group.send_days_always"), zone="Europe/Lisbon"
    )
    bot.clock.set(datetime(2026, 11, 30, 3, 0, tzinfo=BXL))  # Monday 03:00: the day-before one
    assert await bot.tick() == 1
    assert _count(bert, reminder) == 2
    # The reminder states the deadline in the team's own time zone (Lisbon is an hour behind).
    assert "maandag 30 november om 09:00" in bert.last().plain_text


async def test_a_term_can_be_chosen_with_a_button(team: Team) -> None:
    """After /ronde the principal taps '1 week' instead of typing /deadline 7d."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/ronde", chat=team.group)
    offer = team.group.last()
    assert offer.text == bot.t("group.term_offer")
    assert offer.button_labels == [bot.label(f"btn.term_{t}") for t in ("3d", "7d", "14d")]
    await team.members[0].tap(bot.label("btn.term_7d"), message=offer, chat=team.group)
    assert team.members[0].last_toast == bot.label("map.only_principal")
    await team.principal.tap(bot.label("btn.term_7d"), message=offer, chat=team.group)
    step = bot.label("step.brainstorm")
    assert team.group.last().text == bot.t(
        "group.deadline_set", step=step, when="maandag 30 november om 10:00"
    )
    assert offer.button_labels == []
    # A second tap from a phone that still shows the buttons changes nothing.
    before = len(team.group.messages)
    await team.principal.tap(bot.label("btn.term_14d"), message=offer, chat=team.group)
    assert team.principal.last_toast == bot.label("err.stale")
    assert len(team.group.messages) == before
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of(1)
        assert round_ is not None
        kinds = [r.kind for r in await tx.planned_for(round_.id) if r.status == "planned"]
    assert kinds.count("step_deadline") == 1 and kinds.count("step_nudge") == 2
    # Once the brainstorm is closed, an old term button no longer applies.
    await onboard(team, team.members[0])
    await add_partner(team, team.members[0], "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.tap(bot.label("btn.term_3d"), message=offer, chat=team.group)
    assert team.principal.last_toast == bot.label("err.stale")


async def test_a_deadline_late_in_the_evening_ends_with_the_sending_hours(team: Team) -> None:
    """'/ronde 7d' typed on Monday at 22:45 ends next Monday at 20:00 (said with the weekday),
    and the step closes then, not the morning after."""
    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 22, 45, tzinfo=BXL))
    await register(team)
    await team.principal.send("/ronde 7d", chat=team.group)
    assert "maandag 30 november om 20:00" in team.group.last().plain_text
    bot.clock.set(datetime(2026, 11, 30, 20, 1, tzinfo=BXL))
    await bot.tick()
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of((await tx.team_by_chat(team.group.id)).id)
    assert round_ is not None and round_.step == Step.BRAINSTORM_CLOSED.value
