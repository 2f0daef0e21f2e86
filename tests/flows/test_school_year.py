"""A whole school year in simulated time: nothing planned reaches anyone on a holiday.

The team works from October 2026 to February 2027 with deadlines that would fall in the autumn
and Christmas holidays and a member check whose term ends in the carnival holiday; the
facilitator adds a study day of the school; the bot restarts in the autumn holiday, at Christmas
and in the summer. Every message the bot sends is checked against the Flemish school calendar
of 2026-27, and the yearly update is proposed in September 2027.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.testing.fakegram import FakeMessage
from core.calendar import SchoolCalendar

from .conftest import Bot, Team, add_partner, onboard, register

BXL = ZoneInfo("Europe/Brussels")
FAR = datetime(2100, 1, 1, tzinfo=UTC)
# The longest the simulation lets time jump between two ticks when nothing is due.
STRIDE = timedelta(hours=6)
OFFICIAL = SchoolCalendar()
STUDY_DAY = date(2026, 11, 18)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local moment in Brussels."""
    return datetime.combine(day, time(hour, minute), tzinfo=BXL)


@dataclass
class Year:
    """What the bot sent while time ran on by itself (no person acted)."""

    sent: list[FakeMessage] = field(default_factory=list)
    ticks: int = 0


async def _next_due(bot: Bot) -> datetime | None:
    async with bot.store.tx() as tx:
        rows = await tx.due(FAR)
    return min((row.run_at for row in rows), default=None)


async def run_until(bot: Bot, end: datetime, year: Year, restarts: list[datetime]) -> None:
    """Let time run to `end` as the ticker would: a tick whenever something comes due (and at
    least every STRIDE), restarting the bot at the given moments."""
    seen = {id(m) for m in _bot_messages(bot)}
    pending = sorted(restarts)
    while bot.clock.now() < end:
        now = bot.clock.now()
        due = await _next_due(bot)
        target = min(now + STRIDE, end)
        if due is not None and due > now:
            target = min(target, due)
        if pending and pending[0] <= target:
            target = pending.pop(0)
            bot.clock.set(target)
            await bot.restart()
        bot.clock.set(max(target, now + timedelta(seconds=30)))
        await bot.tick()
        year.ticks += 1
    for message in _bot_messages(bot):
        if id(message) not in seen:
            year.sent.append(message)


def _bot_messages(bot: Bot) -> list[FakeMessage]:
    return [m for chat in bot.fake.chats.values() for m in chat.messages if m.from_bot]


def sent_on_a_day_off(messages: list[FakeMessage], calendar: SchoolCalendar) -> list[FakeMessage]:
    """The messages that went out on a weekend, a holiday or a free day, or outside 08-20."""
    wrong = []
    for message in messages:
        local = datetime.fromtimestamp(message.date, BXL)
        in_hours = time(8, 0) <= local.time() <= time(20, 0)
        if not calendar.is_school_day(local.date()) or not in_hours:
            wrong.append(message)
    return wrong


async def test_a_school_year_sends_nothing_on_holidays_and_proposes_the_update_in_september(
    team: Team,
) -> None:
    """A deadline in the autumn holiday moves to the next school day, terms over the Christmas
    and carnival holidays count school days; restarts change nothing; the yearly proposal comes
    on the tenth school day of 2027-28, once."""
    bot = team.bot
    anna, bert = team.members[0], team.members[1]
    year = Year()
    calendar = SchoolCalendar()

    # Monday 26 October 2026: the round starts; the brainstorm runs until Friday 6 November,
    # in the autumn holiday (2-8 November): the deadline moves to Monday 9 November, 20:00.
    bot.clock.set(at(date(2026, 10, 26), 10))
    await register(team)
    await team.principal.send("/start")  # the principal's private chat with the bot
    await team.principal.send("/ronde", chat=team.group)
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 2)
    await onboard(team, bert)
    await team.principal.send("/vrijedag 18-11 pedagogische studiedag", chat=team.group)
    assert bot.t("freeday.added_study", days="", count=1).split(":")[0] in team.group.last().text
    calendar = SchoolCalendar(extra=(*calendar.extra, *_study_day()))
    await team.principal.send("/deadline 6-11", chat=team.group)
    answer = team.group.last().plain_text
    assert "maandag 9 november om 20:00" in answer
    assert "vrijdag 6 november 2026 valt in: Herfstvakantie" in answer

    await run_until(bot, at(date(2026, 11, 20), 12), year, restarts=[at(date(2026, 11, 4), 3)])
    closed = [m for m in year.sent if bot.t("group.deadline_reached") in (m.text or "")]
    assert len(closed) == 1
    assert datetime.fromtimestamp(closed[0].date, BXL) == at(date(2026, 11, 9), 20)

    # Friday 18 December: the next step gets a week, counted in school days: the five days of
    # the Christmas holiday in it do not count, so it ends on Friday 8 January at 11:00.
    bot.clock.set(at(date(2026, 12, 18), 11))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    await team.principal.send("/deadline 7d", chat=team.group)
    assert "vrijdag 8 januari om 11:00" in team.group.last().plain_text
    await run_until(bot, at(date(2027, 1, 11), 10), year, restarts=[at(date(2026, 12, 28), 9)])

    # Monday 11 January: the round is kept; on 1 February a member check with ten days, which
    # would end in the carnival holiday (8-14 February 2027): counted in school days.
    await team.principal.send("/afronden", chat=team.group)
    bot.clock.set(at(date(2027, 2, 1), 9))
    await team.principal.send("/membercheck 10d", chat=team.group)
    await run_until(
        bot,
        at(date(2027, 9, 30), 18),
        year,
        restarts=[at(date(2027, 4, 2), 9), at(date(2027, 8, 1), 9)],
    )

    assert year.sent, "the bot sent nothing by itself all year"
    assert sent_on_a_day_off(year.sent, calendar) == []
    yearly = [m for m in year.sent if "Een nieuw schooljaar is begonnen" in (m.text or "")]
    # The group and the principal, once each, on Tuesday 14 September 2027 (the tenth school
    # day of 2027-28), in the morning.
    assert len(yearly) == 2
    assert {datetime.fromtimestamp(m.date, BXL) for m in yearly} == {at(date(2027, 9, 14), 9)}


def _study_day() -> tuple:  # type: ignore[type-arg]
    from core.calendar import FreeDay

    return (FreeDay(STUDY_DAY, "studiedag", "pedagogische studiedag"),)


async def test_a_study_day_moves_a_deadline_already_planned(team: Team) -> None:
    """A deadline set for Wednesday 18 November moves to Thursday 19 November at 20:00 when the
    facilitator marks the 18th as a study day, and back is not automatic: the answer says so."""
    bot = team.bot
    bot.clock.set(at(date(2026, 11, 12), 10))
    await register(team)
    await team.principal.send("/ronde", chat=team.group)
    await team.principal.send("/deadline 18-11", chat=team.group)
    assert "woensdag 18 november om 20:00" in team.group.last().plain_text
    await team.principal.send("/vrijedag 18 november studiedag", chat=team.group)
    answer = team.group.last().plain_text
    assert "donderdag 19 november om 20:00" in answer
    async with bot.store.tx() as tx:
        rows = [r for r in await tx.planned_of_team(1) if r.kind == "step_deadline"]
    assert [r.run_at.astimezone(BXL) for r in rows] == [at(date(2026, 11, 19), 20)]


async def test_free_day_answers_are_calm_dutch(team: Team) -> None:
    """A bad date gets an answer naming what was typed and how to write it; nothing is stored."""
    bot = team.bot
    bot.clock.set(at(date(2026, 11, 12), 10))
    await register(team)
    for typed, key in [
        ("/vrijedag 31-02", "freeday.bad_date"),
        ("/vrijedag 1-9-2026", "freeday.past"),
        ("/vrijedag 14-12 tot 10-12", "freeday.backwards"),
    ]:
        await team.principal.send(typed, chat=team.group)
        answer = team.group.last()
        first_line = bot.t(key, text=typed.split(" ", 1)[1].split(" tot")[0]).split(".")[0]
        assert first_line in answer.text, typed
        assert bot.t("freeday.usage") in answer.text
    async with bot.store.tx() as tx:
        assert await tx.free_days(1) == []
    await team.principal.send("/vrijedag", chat=team.group)
    listing = team.group.last().plain_text
    assert "Kerstvakantie" in listing and "maandag 21 december 2026" in listing
    assert bot.t("freeday.own_none") in team.group.last().text
    # A member who is no facilitator cannot add days off.
    await team.members[0].send("/vrijedag 14-12", chat=team.group)
    async with bot.store.tx() as tx:
        assert await tx.free_days(1) == []
