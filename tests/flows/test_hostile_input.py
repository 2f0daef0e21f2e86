"""Bad input gets a clear Dutch answer, never a traceback, and nothing stored is lost."""

from __future__ import annotations

import pytest

from core.validation import MAX_PARTNER_NAME

from .conftest import Team, add_partner, onboard, open_round


async def _texts(team: Team, person) -> list[str]:  # type: ignore[no-untyped-def]
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
        return [p.text for p in await tx.postits(member.id)]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("   ", "err.empty"),
        ("\u200b\u200b", "err.empty"),
        ("🙂🙂🙂", "err.no_words"),
        ("...!?", "err.no_words"),
        ("x" * 5000, "err.partner_too_long"),
    ],
)
async def test_unusable_partner_names_are_explained(team: Team, typed: str, key: str) -> None:
    """Emoji-only, punctuation-only and 5,000-character messages are refused with a reason."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await anna.send(typed)
    reply = anna.last()
    rendered = team.bot.texts.t(key, "nl", length=len(typed[:4096]), max=MAX_PARTNER_NAME)
    assert reply.text.startswith(rendered.split("(")[0])
    assert await _texts(team, anna) == ["CLB"]
    assert reply.button_labels  # the member can always go on


async def test_html_and_markdown_in_names_are_shown_literally(team: Team) -> None:
    """A name with <b>, & and *stars* is stored as typed and shown without breaking HTML."""
    await open_round(team)
    bert = team.members[1]
    await onboard(team, bert)
    name = "<b>Ouders</b> & *vrienden* van_de_school"
    await add_partner(team, bert, name, "team", "aanbod", 2)
    assert await _texts(team, bert) == [name]
    assert name in bert.last().plain_text
    await bert.send("/lijst")
    assert name in bert.last().plain_text


async def test_stale_and_double_taps_change_nothing(team: Team) -> None:
    """Tapping an old question's button again is answered with a toast and stores nothing."""
    await open_round(team)
    carla = team.members[2]
    bot = team.bot
    await onboard(team, carla)
    await carla.send("Sportclub Noord")
    kind_question = carla.last()
    await carla.tap(bot.label("kind.organisatie"))
    await carla.tap(bot.label("kind.individu"), message=kind_question)  # double tap
    assert carla.last_toast == bot.label("err.stale")
    assert carla.last().text == bot.t("brainstorm.ask_category", name="Sportclub Noord")
    await carla.tap(bot.label("category.zorg"))
    await carla.tap(bot.label("distance.1"))
    async with bot.store.tx() as tx:
        member = await tx.active_member(carla.user.id)
        (postit,) = await tx.postits(member.id)
    assert postit.kind is not None and postit.kind.value == "organisatie"


async def test_someone_elses_button_does_nothing(team: Team) -> None:
    """A forwarded or copied button of another member cannot touch their data."""
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    await anna.send("Sportclub Noord")
    annas_question = anna.last()
    await bert.tap(team.bot.label("kind.team"), message=annas_question)
    assert bert.last_toast == team.bot.label("err.stale")
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(anna.user.id)
        (postit,) = await tx.postits(member.id)
    assert postit.kind is None


async def test_stickers_and_photos_get_a_text_hint(team: Team) -> None:
    """Non-text messages are answered: only text is read."""
    await open_round(team)
    dirk = team.members[3]
    await onboard(team, dirk)
    await dirk.send_sticker()
    assert dirk.last().text == team.bot.t("dm.not_text")


async def test_text_where_a_button_is_expected(team: Team) -> None:
    """Typing instead of choosing a role repeats the question with its buttons."""
    await open_round(team)
    els = team.members[4]
    bot = team.bot
    await els.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await els.send("ik ben leerkracht")
    assert els.messages()[-2].text == bot.t("err.use_buttons")
    assert els.last().text == bot.t("privacy.short", school="Basisschool De Linde")


async def test_messages_from_strangers_in_private(team: Team) -> None:
    """Someone who never joined gets told how to join, whatever they send."""
    await team.outsider.send("Hallo?")
    assert team.outsider.last().text == team.bot.t("member.no_membership")
    await team.outsider.send("/lijst")
    assert team.outsider.last().text == team.bot.t("member.no_membership")
    await team.outsider.send("/onbekend")
    assert team.outsider.last().text == team.bot.t("dm.unknown_command")


async def test_a_very_long_answer_is_kept(team: Team) -> None:
    """A 5,000-character answer arrives as two messages and both parts are stored."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await anna.tap(bot.label("role.leraar"))
    await anna.tap(bot.label("btn.skip"))
    await anna.send("woord " * 833)
    async with bot.store.tx() as tx:
        member = await tx.active_member(anna.user.id)
        (answer,) = await tx.answers(member.id)
    assert answer.text.count("woord") == 833


async def test_flood_control_is_retried(team: Team) -> None:
    """A 429 from Telegram is waited out and retried: the member still gets the answer."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    team.bot.fake.inject_error("sendMessage", status=429, retry_after=1, times=1)
    await anna.send("Sportclub Noord")
    assert anna.last().text == team.bot.t("brainstorm.ask_kind", name="Sportclub Noord")


async def test_members_who_blocked_the_bot_are_counted_not_retried(team: Team) -> None:
    """At /sluit a member who blocked the bot is reported as a count; the others are told."""
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna)
    await onboard(team, bert)
    bert.block_bot()
    await team.principal.send("/sluit", chat=team.group)
    # (then the invitation to the second look at the map)
    assert anna.messages()[-2].text == team.bot.t("member.closed_unfinished", count=0)
    assert team.bot.t("group.unreachable", count=1) in [m.text for m in team.group.messages]
