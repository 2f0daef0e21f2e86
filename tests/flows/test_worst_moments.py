"""A member check and a yearly update in simulated time, with restarts at the worst moments.

The ticker wakes every hour for weeks of simulated time; every message the bot sends on its own
(not as an answer to someone) is counted: each reminder at most twice per person, each report
and yearly reminder exactly once, none outside weekdays 08:00-20:00, no name in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery import Deliverer
from bot.testing.fakegram import FakeMessage

from .conftest import Bot, Team, add_partner, onboard, register
from .test_member_check import _answer

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)


@dataclass
class Sent:
    """A message the bot sent during a tick, with the simulated time it went out."""

    at: datetime
    chat_id: int
    message: FakeMessage


class Ticker:
    """Wakes the scheduler every hour and keeps what each wake-up sent."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.sent: list[Sent] = []

    def _all(self) -> list[tuple[int, FakeMessage]]:
        return [(c.id, m) for c in self.bot.fake.chats.values() for m in c.bot_messages]

    async def tick(self) -> int:
        before = {id(m) for _, m in self._all()}
        try:
            return await self.bot.tick()
        finally:
            now = self.bot.clock.now()
            self.sent += [Sent(now, c, m) for c, m in self._all() if id(m) not in before]

    async def restart(self) -> None:
        """A restart delivers what the outbox still owes: counted like a tick's sends."""
        before = {id(m) for _, m in self._all()}
        await self.bot.restart()
        now = self.bot.clock.now()
        self.sent += [Sent(now, c, m) for c, m in self._all() if id(m) not in before]

    async def run(self, hours: int) -> None:
        for _ in range(hours):
            self.bot.clock.advance(timedelta(hours=1))
            await self.tick()

    def count(self, chat_id: int, text: str) -> int:
        return sum(1 for s in self.sent if s.chat_id == chat_id and text in s.message.plain_text)


async def test_member_check_and_yearly_update_survive_restarts(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    ticker = Ticker(bot)
    anna, bert, carla, dirk, els = team.members
    bot.clock.set(MONDAY_10)

    # Round 1 with a deadline; a restart between planning and sending.
    await register(team)
    await team.principal.send("/start")
    await team.principal.send("/ronde 4d", chat=team.group)
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.tap(bot.label("btn.done"))
    await onboard(team, bert)
    await add_partner(team, bert, "Bibliotheek", "organisatie", "aanbod", 3)
    await bot.restart()

    # The bot dies right after the first reminder was decided (committed with its messages),
    # before anything went out: the restart delivers it.
    async def killed(self: Deliverer) -> int:
        raise RuntimeError("killed before the send")

    monkeypatch.setattr(Deliverer, "flush", killed)
    bot.clock.set(MONDAY_10 + timedelta(days=2))  # Wednesday 10:00: halfway
    with pytest.raises(RuntimeError):
        await ticker.tick()
    monkeypatch.undo()
    await ticker.restart()
    await ticker.run(24 * 3)  # until Saturday 10:00: the day-before reminder and the deadline

    nudge = "Een vriendelijke herinnering"
    assert ticker.count(bert.user.id, nudge) == 2  # halfway and the day before, never three
    assert ticker.count(anna.user.id, nudge) == 0  # Anna was done
    assert ticker.count(team.group.id, bot.label("group.deadline_reached")) == 1

    # /afronden, then the member check for the wider team (Els is not in the focus group).
    await team.principal.send("/afronden", chat=team.group)
    bot.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=BXL))
    await team.principal.send("/membercheck 7d", chat=team.group)
    # Bert was in the focus group: the principal lets the focus group answer too.
    await team.principal.tap(bot.label("btn.share_include"))
    await _answer(
        team, carla, "leraar", ["Klopt.", "Meer zorg.", "Ja.", "Een web."], ["Kinderopvang"]
    )
    await _answer(team, els, "leraar", ["Herkenbaar.", "Lokaal.", "Deels.", "Een boom."], [])
    link = [m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels]
    await dirk.tap(bot.label("btn.survey_join"), message=link[-1], chat=team.group)
    await dirk.tap(bot.label("btn.survey_start"))
    await bert.tap(bot.label("btn.survey_join"), message=link[-1], chat=team.group)
    await bert.tap(bot.label("btn.survey_start"))
    bert.block_bot()
    await bot.restart()
    await ticker.run(24 * 4)
    await bot.restart()  # in the middle of the member check
    await ticker.run(24 * 4)

    survey_nudge = bot.label("survey.nudge")
    assert ticker.count(dirk.user.id, survey_nudge) == 2
    assert ticker.count(bert.user.id, survey_nudge) == 0  # blocked: not written to
    assert ticker.count(team.principal.user.id, bot.label("survey.unreachable", count=1)) == 2
    reports = [s for s in ticker.sent if s.message.document_name == "membercheck.md"]
    assert len(reports) == 1
    report = (reports[0].message.document or b"").decode("utf-8")
    for person in team.everyone:
        assert person.user.first_name not in report
    assert "Een web." in report and "Kinderopvang" in report

    # A year later: one yearly reminder, then a pre-filled round.
    bot.clock.set(datetime(2027, 11, 26, 9, 0, tzinfo=BXL))
    await bot.restart()
    await ticker.run(24 * 5)
    yearly = [s for s in ticker.sent if s.chat_id == team.group.id
              and bot.label("btn.new_round") in s.message.button_labels]  # fmt: skip
    assert len(yearly) == 1
    await team.principal.tap(bot.label("btn.new_round"), message=yearly[0].message, chat=team.group)
    await onboard(team, bert)  # writing again unblocks; his partner of last year comes back
    assert "Bibliotheek" in bert.last().plain_text and "(1 van 1)" in bert.last().plain_text

    # Nothing the bot sent on its own went out outside weekdays 08:00-20:00.
    assert ticker.sent
    for sent in ticker.sent:
        local = sent.at.astimezone(BXL)
        assert local.weekday() < 5 and 8 <= local.hour < 20, (local, sent.message.plain_text)
    # Every planned row was carried out or dropped; the one the crash interrupted was resumed
    # after the restart without sending anything twice (the counts above), none is left running.
    async with bot.store.tx() as tx:
        rows = await tx._all("SELECT status, COUNT(*) AS n FROM planned GROUP BY status")
    statuses = {row["status"]: row["n"] for row in rows}
    assert set(statuses) <= {"done", "cancelled", "planned"}
    assert statuses.get("planned", 0) <= 1  # at most the next yearly reminder


async def test_a_broadcast_cut_off_half_way_is_finished_after_a_restart(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member-check reminder dies after two of four colleagues: each still gets it once."""
    from .test_member_check import _finished_round

    bot = team.bot
    bot.clock.set(MONDAY_10)
    await _finished_round(team)
    await team.principal.send("/start")
    await team.principal.send("/membercheck 7d", chat=team.group)
    link = team.group.last()
    colleagues = team.members[1:]
    for person in colleagues:
        await person.tap(bot.label("btn.survey_join"), message=link, chat=team.group)
        await person.tap(bot.label("btn.survey_start"))

    real_one = Deliverer._deliver_row
    calls = {"n": 0}

    async def dies_on_the_third(self, row):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the process died")
        return await real_one(self, row)

    monkeypatch.setattr(Deliverer, "_deliver_row", dies_on_the_third)
    bot.clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=BXL))  # Friday: the halfway reminder
    with pytest.raises(RuntimeError):
        await bot.tick()
    got = [sum(m.plain_text == bot.label("survey.nudge") for m in p.messages()) for p in colleagues]
    assert got == [1, 1, 0, 0]
    monkeypatch.undo()
    await bot.restart()
    assert await bot.tick() == 0
    got = [sum(m.plain_text == bot.label("survey.nudge") for m in p.messages()) for p in colleagues]
    assert got == [1, 1, 1, 1]
    assert sum(bot.label("survey.reminder", count=0) in m.plain_text
               for m in team.group.bot_messages) == 1  # fmt: skip
    async with bot.store.tx() as tx:
        rows = await tx._all("SELECT status FROM outbox WHERE status = 'pending'")
    assert rows == []


async def test_an_action_that_keeps_failing_is_given_up(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three attempts on three ticks, then an error in the log: never retried forever."""
    from bot.actions import planning

    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/ronde 2d", chat=team.group)
    await onboard(team, team.members[0])

    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(planning, "_nudge", broken)
    bot.clock.set(MONDAY_10 + timedelta(days=1))
    attempts = []
    for _ in range(5):
        await bot.tick()
        async with bot.store.tx() as tx:
            row = (await tx._all("SELECT * FROM planned WHERE kind = 'step_nudge'"))[0]
        attempts.append((row["status"], row["attempts"]))
        bot.clock.advance(timedelta(minutes=10))
    assert attempts == [("planned", 1), ("planned", 2), ("done", 3), ("done", 3), ("done", 3)]


async def test_a_report_goes_out_once_however_the_check_was_closed(team: Team) -> None:
    """Deadline cut off, then closed by hand: the resumed deadline sends nothing more; a
    deadline cut off after closing sends the report when taken up again, once."""
    from .test_member_check import _finished_round

    bot = team.bot
    bot.clock.set(MONDAY_10)
    await _finished_round(team)
    await team.principal.send("/start")

    def reports() -> int:
        return sum(m.document_name == "membercheck.md" for m in team.principal.messages())

    # 1. The deadline row was claimed when the process died; the principal then closes by hand.
    await team.principal.send("/membercheck 1d", chat=team.group)
    bot.clock.advance(timedelta(days=1, minutes=1))
    async with bot.store.tx() as tx:
        row = next(r for r in await tx.due(bot.clock.now()) if r.kind == "mc_deadline")
        assert await tx.claim(row.id)
    await bot.restart()
    await team.principal.send("/membercheck sluit", chat=team.group)
    assert reports() == 1
    bot.clock.advance(timedelta(minutes=11))
    await bot.tick()
    assert reports() == 1

    # 2. The deadline closed the check, then the process died before the report went out.
    await team.principal.send("/membercheck 1d", chat=team.group)
    bot.clock.advance(timedelta(days=1, minutes=1))
    deliverer = bot.app.bot_data["deliverer"]
    deliverer.bot = None  # the process dies after the deadline's COMMIT, before any send
    assert await bot.tick() == 2  # the reminder before it (nothing to say) and the deadline
    assert reports() == 1
    await bot.restart()  # what the deadline owed goes out now
    assert reports() == 2
    bot.clock.advance(timedelta(minutes=11))
    assert await bot.tick() == 0
    assert reports() == 2
    bot.clock.advance(timedelta(minutes=11))
    assert await bot.tick() == 0
    assert reports() == 2
