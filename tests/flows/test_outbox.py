"""What the bot owes someone is a row before it is a request: crashes and failed calls delay
messages, never lose or double them."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Bot, Team, add_partner, onboard, open_round, register


def _dead(bot: Bot) -> None:
    """The process dies right after the next COMMIT: nothing owed goes out."""
    bot.app.bot_data["deliverer"].bot = None


def _count(messages: list, text: str) -> int:  # type: ignore[type-arg]
    return sum(text in (m.text or m.caption or "") for m in messages)


async def _statuses(bot: Bot) -> dict[str, int]:
    """Rows per status; rows held for the principal's private chat, and those waiting behind
    them for the same chat, count as 'held' (as the outbox's own counts do)."""
    async with bot.store.tx() as tx:
        rows = await tx._all(
            "SELECT CASE WHEN error LIKE 'held:%' OR (status = 'pending' AND chat_id IN"
            " (SELECT chat_id FROM outbox WHERE status = 'pending' AND error LIKE 'held:%'))"
            " THEN 'held' ELSE status END AS status, COUNT(*) AS n FROM outbox GROUP BY 1"
        )
    return {row["status"]: row["n"] for row in rows}


async def test_a_round_opened_just_before_a_crash_is_announced_after_the_restart(
    team: Team,
) -> None:
    """Killed after /ronde stored the round: the restart posts the join button; nobody is stuck."""
    bot = team.bot
    await register(team)
    _dead(bot)
    await team.principal.send("/ronde", chat=team.group)
    assert not any(bot.label("btn.join") in m.button_labels for m in team.group.bot_messages)
    await bot.restart()
    announcement = team.announcement()
    await onboard(team, team.members[0])
    # The counts are edited into the same message, never posted again.
    assert team.announcement() is announcement
    assert "1" in announcement.plain_text
    announcements = [m for m in team.group.bot_messages if bot.label("btn.join") in m.button_labels]
    assert len(announcements) == 1


async def test_members_are_told_once_when_closing_is_cut_off(team: Team) -> None:
    """Killed right after /sluit committed: every member hears of it once, the map arrives."""
    bot = team.bot
    await open_round(team)
    for person in team.members[:3]:
        await onboard(team, person)
        await add_partner(team, person, "CLB", "organisatie", "zorg", 1)
    _dead(bot)
    await team.principal.send("/sluit", chat=team.group)
    await bot.restart()
    for person in team.members[:3]:
        assert _count(person.messages(), bot.t("member.closed_unfinished", count=1)) == 1
    assert sum(m.photo is not None for m in team.group.bot_messages) == 1
    await bot.restart()  # nothing is owed any more: nothing goes out twice
    for person in team.members[:3]:
        assert _count(person.messages(), bot.t("member.closed_unfinished", count=1)) == 1
    assert sum(m.photo is not None for m in team.group.bot_messages) == 1


async def test_a_server_error_delays_one_chat_and_the_rest_goes_on(team: Team) -> None:
    """A 502 on the group's first message: the members get theirs now, the group (in order)
    a bit later, each message once."""
    bot = team.bot
    # The principal has a private chat: what the second look owes them is not held for it.
    await team.principal.send("/start")
    await open_round(team)
    anna, bert = team.members[:2]
    for person in (anna, bert):
        await onboard(team, person)
        await add_partner(team, person, "CLB", "organisatie", "zorg", 1)
    bot.fake.inject_error("sendMessage", status=502, description="Bad Gateway", times=1)
    await team.principal.send("/sluit", chat=team.group)
    told = bot.t("member.closed_unfinished", count=1)
    assert [_count(p.messages(), told) for p in (anna, bert)] == [1, 1]
    # The group's messages wait behind the failed one: nothing overtakes it.
    assert not any(m.photo is not None for m in team.group.bot_messages)
    bot.clock.advance(timedelta(minutes=1))
    await bot.tick()
    assert [_count(p.messages(), told) for p in (anna, bert)] == [1, 1]
    assert sum(m.photo is not None for m in team.group.bot_messages) == 1
    assert (await _statuses(bot)).get("pending", 0) == 0


async def test_flood_control_beyond_the_limiters_retries_waits_and_sends_once(
    team: Team,
) -> None:
    """Telegram keeps answering 429: the message waits retry_after and then goes out once."""
    bot = team.bot
    await open_round(team)
    await onboard(team, team.members[0])
    bot.fake.inject_error("sendMessage", status=429, retry_after=5, times=3)
    await team.principal.send("/sluit", chat=team.group)
    closed = bot.label("group.brainstorm_closed", finished=0, joined=1, postits=0)
    assert _count(team.group.bot_messages, closed.split(".")[0]) == 0
    bot.clock.advance(timedelta(seconds=6))
    await bot.tick()
    assert _count(team.group.bot_messages, closed.split(".")[0]) == 1


async def test_a_refused_message_is_recorded_once_and_reported_to_the_principal(
    team: Team,
) -> None:
    """Telegram refuses the map (400): never retried, the principal hears of it in private."""
    bot = team.bot
    await open_round(team)
    await team.principal.send("/start")
    await onboard(team, team.members[0])
    await add_partner(team, team.members[0], "CLB", "organisatie", "zorg", 1)
    bot.fake.inject_error("sendPhoto", status=400, description="Bad Request: PHOTO_INVALID")
    await team.principal.send("/sluit", chat=team.group)
    assert bot.t("err.delivery_failed") in [m.text for m in team.principal.messages()]
    calls = sum(name == "sendPhoto" for name, _ in bot.fake.calls)
    bot.clock.advance(timedelta(hours=1))
    await bot.tick()
    await bot.restart()
    assert sum(name == "sendPhoto" for name, _ in bot.fake.calls) == calls
    assert (await _statuses(bot)).get("failed") == 1


async def test_repeating_ronde_repairs_an_announcement_that_never_arrived(team: Team) -> None:
    """The announcement was refused; /ronde again posts it next to 'a round is running'."""
    bot = team.bot
    await register(team)
    bot.fake.inject_error("sendMessage", status=400, description="Bad Request: oops")
    await team.principal.send("/ronde", chat=team.group)
    assert not any(bot.label("btn.join") in m.button_labels for m in team.group.bot_messages)
    await team.principal.send("/ronde", chat=team.group)
    team.announcement()  # there now
    assert bot.t("group.round_already_open", number=1) in [m.text for m in team.group.messages]


async def test_forget_me_also_forgets_what_was_still_owed(team: Team) -> None:
    """A note on its way to a person who asks to be forgotten is deleted with everything else."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    _dead(bot)
    await team.principal.send("/sluit", chat=team.group)
    bot.app.bot_data["deliverer"].bot = bot.app.bot
    async with bot.store.tx() as tx:
        await tx.forget_person(anna.user.id)
        rows = await tx._all("SELECT 1 FROM outbox WHERE chat_id = ?", (anna.user.id,))
    assert rows == []
