"""People who leave the group: they can do nothing more in the team, and are no longer counted;
a principal who left loses the map, the export and the report; an admin takes the role over;
what fell due while the bot itself was out of the group is posted when it is back, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.testing.fakegram import Person
from core.protocol import Step

from .conftest import Team, add_partner, onboard, open_round, register

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)


def _count(person: Person, text: str) -> int:
    return sum(m.text == text for m in person.messages())


async def _postits(team: Team, person: Person) -> list[str]:
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
        assert member is not None
        return [p.text for p in await tx.postits(member.id)]


async def _team_id(team: Team) -> int:
    async with team.bot.store.tx() as tx:
        found = await tx.team_by_chat(team.group.id)
    assert found is not None
    return found.id


async def test_a_removed_member_is_told_once_and_can_add_nothing(team: Team) -> None:
    """Removed mid-brainstorm: a new post-it, a button, /lijst and /kaart store nothing; the
    kind explanation comes once; the counts no longer wait for them."""
    bot = team.bot
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await bert.tap(bot.label("btn.done"))
    assert bot.t("group.progress", joined=2, finished=0) not in team.announcement().text
    assert bot.t("group.progress", joined=2, finished=1) in team.announcement().text
    await team.principal.remove(team.group, anna)
    # Anna no longer counts: Bert is everyone who is still in the group, and he is done.
    assert bot.t("group.progress", joined=1, finished=1) in team.announcement().text
    # ... and the principal hears (in private, once they open the chat) that everyone is done.
    await team.principal.send("/start")
    assert any(m.text == bot.t("principal.all_done", finished=1, joined=1)
               for m in team.principal.messages())  # fmt: skip
    left = bot.t("member.left_group", school="Basisschool De Linde")
    await anna.send("Sportclub Noord")
    assert anna.last().text == left
    await anna.tap(bot.label("btn.done"))
    assert anna.last_toast == bot.label("member.left_group_short")
    await anna.send("/lijst")
    assert anna.last().text == bot.t("member.left_group_short")
    await anna.send("/kaart")
    assert anna.last().text == bot.t("member.left_group_short")
    await anna.send("/start")
    assert _count(anna, left) == 1
    assert await _postits(team, anna) == ["Bakkerij Peeters"]  # what she gave stays
    async with bot.store.tx() as tx:
        member = await tx.active_member(anna.user.id)
    assert member is not None and member.finished_at is None and member.left_at is not None


async def test_leaving_unannounced_is_noticed_within_a_minute(team: Team) -> None:
    """A group that hides join/leave messages: the next action after the one-minute cache asks
    Telegram, and nothing more is stored."""
    bot = team.bot
    bot.clock.set(datetime.now(UTC))
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await anna.leave(team.group, service_message=False)
    bot.clock.advance(timedelta(seconds=61))
    await anna.send("Sportclub Noord")
    assert anna.last().text == bot.t("member.left_group", school="Basisschool De Linde")
    assert await _postits(team, anna) == []
    assert bot.t("group.progress", joined=0, finished=0) in team.announcement().text


async def test_a_removed_member_picks_no_priority_and_is_not_reminded(team: Team) -> None:
    """Removed during step 2C: the tap on a partner stores no pick and the counts leave them
    out."""
    bot = team.bot
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 3)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    assert "Bakkerij Peeters" in anna.last().button_labels
    await team.principal.remove(team.group, anna)
    await anna.tap("Bakkerij Peeters")
    assert anna.last().text == bot.t("member.left_group", school="Basisschool De Linde")
    team_id = await _team_id(team)
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of(team_id)
        assert round_ is not None
        assert await tx.priorities(round_.id) == []
    await team.principal.send("/sluit", chat=team.group)
    assert any(m.text == bot.t("group.priorities_closed", picked=0, joined=1)
               for m in team.group.bot_messages)  # fmt: skip
    assert bot.t("member.priorities_closed_none") not in [m.text for m in anna.messages()]


async def _with_map(team: Team) -> None:
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)


async def test_a_principal_who_left_gets_no_map_export_or_report(team: Team) -> None:
    """Before leaving the principal gets the map in private; after, /kaart, /export, /rapport
    and /bewerk answer that the role is no longer theirs, and send nothing."""
    bot = team.bot
    await _with_map(team)
    piet = team.principal
    await piet.send("/kaart")
    assert piet.last().photo is not None
    await piet.leave(team.group)
    before = len(piet.messages())
    refused = bot.t("map.principal_left", school="Basisschool De Linde")
    for command in ("/kaart", "/export", "/rapport", "/bewerk"):
        await piet.send(command)
        assert piet.last().text == refused, command
    sent = piet.messages()[before:]
    assert len(sent) == 4 and all(m.photo is None and m.document is None for m in sent)


async def test_an_admin_takes_the_role_over_with_a_button(team: Team) -> None:
    """The principal left; an admin's /start offers the role; a plain member may not take it;
    the admin who taps becomes principal and the old one keeps nothing."""
    bot = team.bot
    await _with_map(team)
    piet, bert, carla = team.principal, team.members[1], team.members[2]
    team.group.members[bert.user.id] = "administrator"
    await piet.leave(team.group)
    await bert.send("/start", chat=team.group)
    offer = team.group.last()
    assert offer.text == bot.t("group.takeover_offer")
    label = bot.label("btn.takeover")
    assert offer.button_labels == [label]
    await carla.tap(label, chat=team.group)
    assert carla.last_toast == bot.label("group.takeover_only_admin")
    await bert.tap(label, chat=team.group)
    assert offer.text == bot.t("group.takeover_done", name="Bert")
    async with bot.store.tx() as tx:
        led = await tx.teams_led_by(bert.user.id)
    assert [t.chat_id for t in led] == [team.group.id]
    await bert.send("/kaart")
    assert bert.last().photo is not None
    await piet.send("/kaart")
    assert piet.last().text == bot.t("map.not_principal")
    # Another admin command does not offer the role again.
    await bert.send("/status", chat=team.group)
    assert sum(m.text == bot.t("group.takeover_offer") for m in team.group.bot_messages) == 1


async def test_a_principal_still_in_the_group_is_not_taken_over(team: Team) -> None:
    """No offer while the principal is in the group: an admin's /start shows who leads."""
    bot = team.bot
    await register(team)
    bert = team.members[1]
    team.group.members[bert.user.id] = "administrator"
    await bert.send("/start", chat=team.group)
    assert bot.label("btn.takeover") not in [
        label for m in team.group.bot_messages for label in m.button_labels
    ]


async def test_what_falls_due_while_the_bot_is_out_is_posted_when_it_is_back(team: Team) -> None:
    """The deadline closes the brainstorm while the bot is removed from the group: step 1 and
    the map are not dropped but posted, once and in order, when an admin adds the bot back."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/ronde 7d", chat=team.group)
    members = team.members[:3]
    for person in members:
        await onboard(team, person)
    await add_partner(team, members[0], "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await team.principal.send("/help")  # the principal's private chat with the bot is open
    await team.principal.remove_bot(team.group)
    removed = bot.t("group.bot_removed", school="Basisschool De Linde")
    assert team.principal.last().text == removed
    seen = len(team.group.messages)
    bot.clock.set(datetime(2026, 11, 30, 10, 1, tzinfo=BXL))
    await bot.tick()
    assert len(team.group.messages) == seen  # Telegram refused: nothing reached the group
    team_id = await _team_id(team)
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of(team_id)
    assert round_ is not None and round_.step == Step.BRAINSTORM_CLOSED.value
    # Members were still told in private.
    assert any("afgesloten" in m.plain_text for m in members[1].messages())
    await bot.tick()
    await team.principal.add_bot(team.group)
    back = [m for m in team.group.messages[seen:] if m.from_bot]
    texts = [m.text or "" for m in back]
    reached = bot.t("group.deadline_reached")
    assert texts.count(reached) == 1
    assert sum(bot.t("share.intro_title", count=3) in t for t in texts) == 1
    photos = [m for m in back if m.photo is not None]
    assert len(photos) == 1
    # In the order they fell due: the deadline, step 1's answers, then the map.
    intro = next(i for i, t in enumerate(texts) if bot.t("share.intro_title", count=3) in t)
    assert texts.index(reached) < intro < back.index(photos[0])
    await bot.tick()
    await team.principal.send("/status", chat=team.group)
    photos_now = [m for m in team.group.messages[seen:] if m.photo is not None]
    assert len(photos_now) == 1
    assert [m.text for m in team.group.bot_messages].count(reached) == 1


async def test_a_kicked_bot_is_refused_by_the_fake_like_telegram(team: Team) -> None:
    """The fake refuses sends and member look-ups in a group the bot was removed from."""
    from bot.testing.fakegram import FakeTelegram

    fake: FakeTelegram = team.bot.fake
    await team.principal.remove_bot(team.group)
    code, body = fake.answer("sendMessage", {"chat_id": team.group.id, "text": "hoi"}, {})
    assert code == 403 and b"bot was kicked from the supergroup chat" in body
    code, _ = fake.answer(
        "getChatMember", {"chat_id": team.group.id, "user_id": team.principal.user.id}, {}
    )
    assert code == 403
    await team.principal.send("/status", chat=team.group)  # the bot sees nothing there now
    assert not team.group.bot_messages


async def test_with_the_bot_as_admin_leaving_and_coming_back_count_at_once(team: Team) -> None:
    """Where the bot is admin, chat_member tells it at once (even when the group hides the
    service messages): counts adjust on leaving and again when the person is added back."""
    bot = team.bot
    team.group.bot_is_admin = True
    team.group.members[bot.fake.bot_user.id] = "administrator"
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await anna.leave(team.group, service_message=False)
    assert bot.t("group.progress", joined=1, finished=0) in team.announcement().text
    await team.principal.add_back(team.group, anna)
    assert bot.t("group.progress", joined=2, finished=0) in team.announcement().text
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    assert await _postits(team, anna) == ["Bakkerij Peeters"]


async def test_no_action_of_someone_who_left_is_stored(team: Team) -> None:
    """Every kind of private action after leaving (text, list, link, edit of an earlier post-it,
    an old button, /start) changes nothing: 0 actions allowed."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    first = await anna.send("Bakkerij Peeters")
    await anna.tap(bot.label("kind.organisatie"))
    async with bot.store.tx() as tx:
        member = await tx.active_member(anna.user.id)
        assert member is not None
        before = (await tx.postits(member.id), member.stage, member.screen_seq)
    await anna.leave(team.group)
    await anna.send("Sportclub Noord")
    await anna.send("/lijst")
    await anna.send("/verband Bakkerij Peeters — Sportclub Noord")
    await anna.edit(first, "Bakkerij Janssens")
    await anna.tap(bot.label("category.aanbod"))
    await anna.send("/start")
    async with bot.store.tx() as tx:
        member = await tx.member(member.id)
        assert member is not None
        after = (await tx.postits(member.id), member.stage, member.screen_seq)
    assert after == before
    assert _count(anna, bot.t("member.left_group", school="Basisschool De Linde")) == 1
