"""Forged buttons, leap days, emoji-long texts, open questions: a calm answer, never a traceback."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.testing.fakegram import FakeMessage, parse_html, utf16_len
from core.textsplit import CAPTION_LIMIT, MESSAGE_LIMIT

from .conftest import Team, add_partner, onboard, open_round

BRUSSELS = ZoneInfo("Europe/Brussels")


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _generic(team: Team, messages: list[FakeMessage]) -> list[FakeMessage]:
    return [m for m in messages if m.text == team.bot.t("err.generic")]


def _check_fits(message: FakeMessage) -> None:
    """What Telegram would have refused never reaches the fake (it raises), so this is a
    second look: every message and caption shown fits Telegram's UTF-16 limits."""
    if message.text is not None:
        assert utf16_len(parse_html(message.text)[0]) <= MESSAGE_LIMIT
    if message.caption is not None:
        assert utf16_len(parse_html(message.caption)[0]) <= CAPTION_LIMIT


async def _member_id(team: Team, person) -> int:  # type: ignore[no-untyped-def]
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(person.user.id)
    assert member is not None
    return member.id


FORGED = [
    "d:²:1:card:1",  # '²' passes str.isdigit() and fails int()
    "d:1:²:card:1",
    f"d:{2**63}:1:card:1",  # over SQLite's signed 64 bits
    f"d:1:{2**64}:list:0",
    "d:1:1",
    "c:²:1:role:leraar",
    f"c:{2**63}:0:start:",
    "e:²:list:0",
    f"e:{2**70}:list:0",
    "a:²",
    f"a:{2**63}:c:zorg",
    "a:1:x:y",
    "y:²",
    f"y:{2**63}",
    f"k:{2**63}:brainstorm:7d",
    "k:²:x:y",
    "t:²:abc:zorg",
    f"t:{2**63}:abc:zorg",
    "v:²:tog:abc",
    f"v:{2**63}:go:",
    "m:²:merge",
    f"m:{2**63}:apart",
    "p:forget:yes",  # a confirmation from before confirmations expired
    "p:forget",
    "p:bogus:x",
    "z:1:2:3",
    "🙂" * 16,
    "x" * 64,
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_buttons_get_the_old_button_answer(
    team: Team, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Garbled or forged callback_data: the calm 'old button' toast, nothing logged as error."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    before = len(anna.messages())
    answer = await anna.tap_data(data)
    assert answer is not None and answer["text"] == team.bot.label("err.stale")
    assert _errors(caplog) == []
    assert _generic(team, anna.messages()) == []
    said = [m.text for m in anna.messages()[before:]]
    # Nothing else is said; an old /vergeetmij confirmation also says it expired.
    assert said == ([team.bot.t("forget.expired")] if data == "p:forget:yes" else [])


async def test_a_members_own_button_with_an_unknown_value_changes_nothing(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """`…:kind:<id>:bogus` on the member's own live question: old-button toast, the question
    still works afterwards."""
    await open_round(team)
    bot = team.bot
    anna = team.members[0]
    await onboard(team, anna)
    await anna.send("Sportclub Noord")
    question = anna.last()
    real = next(b for row in question.buttons for b in row if b.label == bot.label("kind.team"))
    assert real.callback_data is not None
    prefix = real.callback_data.rsplit(":", 1)[0]
    for bogus in ("bogus", "²", str(2**63)):
        answer = await anna.tap_data(f"{prefix}:{bogus}", message=question)
        assert answer is not None and answer["text"] == bot.label("err.stale")
    # An unknown action on the member's own live screen, with a valid argument.
    head = real.callback_data.split(":")
    answer = await anna.tap_data(":".join([*head[:3], "nosuchaction", *head[4:]]))
    assert answer is not None and answer["text"] == bot.label("err.stale")
    assert _errors(caplog) == []
    member_id = await _member_id(team, anna)  # its own transaction: never nest two
    async with bot.store.tx() as tx:
        (postit,) = await tx.postits(member_id)
    assert postit.kind is None
    await anna.tap(bot.label("kind.team"), message=question)
    assert anna.last().text == bot.t("brainstorm.ask_category", name="Sportclub Noord")


async def test_the_editor_and_priorities_refuse_bad_values_calmly(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """The map editor's category and distance buttons with values of no enum: stale."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/bewerk")
    screen = team.principal.last()
    data = [b.callback_data for row in screen.buttons for b in row if b.callback_data]
    assert data
    seq = data[0].split(":")[1]
    for action, arg in (("setc", "x:bogus"), ("setd", "x:9"), ("setd", "x:²"), ("list", "²")):
        answer = await team.principal.tap_data(f"e:{seq}:{action}:{arg}", message=screen)
        assert answer is not None
    assert _errors(caplog) == []
    assert _generic(team, team.principal.messages()) == []


async def test_deadline_on_the_29th_of_february_after_it_passed(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """'/deadline 29-02' in March of a leap year: no crash, the usage or a date that exists."""
    team.bot.clock.set(datetime(2028, 3, 1, 10, 0, tzinfo=BRUSSELS))
    await open_round(team)
    await team.principal.send("/deadline 29-02", chat=team.group)
    assert team.group.last().text == team.bot.t("group.deadline_usage")
    await team.principal.send("/membercheck 29-02 7d", chat=team.group)
    assert team.group.last().text != team.bot.t("err.generic")
    assert _errors(caplog) == []


async def test_deadline_on_the_29th_of_february_before_it_comes(team: Team) -> None:
    """In December before a leap year, '29-02' is next February's last day (in the carnival
    holiday of 2028: the deadline runs to the first school day after it, and says why)."""
    team.bot.clock.set(datetime(2027, 12, 1, 10, 0, tzinfo=BRUSSELS))
    await open_round(team)
    await team.principal.send("/deadline 29-02", chat=team.group)
    answer = team.group.last().plain_text
    assert "dinsdag 29 februari 2028 valt in: Krokusvakantie" in answer
    assert "maandag 6 maart om 20:00" in answer


async def test_lijst_is_answered_while_a_partners_question_is_open(team: Team) -> None:
    """/lijst with the kind question open: the question again, and why the list waits."""
    await open_round(team)
    bot = team.bot
    bert = team.members[1]
    await onboard(team, bert)
    await add_partner(team, bert, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    for tap in (None, "kind.organisatie", "category.zorg"):
        if tap is None:
            await bert.send("Sportclub Noord")
        else:
            await bert.tap(bot.label(tap))
        before = len(bert.messages())
        await bert.send("/lijst")
        new = bert.messages()[before:]
        assert [m.text for m in new][:1] == [bot.t("brainstorm.list_after_question")]
        assert new[-1].button_labels  # the open question, with its buttons
    await bert.tap(bot.label("distance.1"))
    await bert.send("/lijst")
    assert "Sportclub Noord" in bert.last().plain_text


async def test_forget_me_confirmation_expires(team: Team) -> None:
    """A /vergeetmij confirmation tapped after ten minutes deletes nothing and says why."""
    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=BRUSSELS))
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await anna.send("/vergeetmij")
    confirmation = anna.last()
    bot.clock.advance(timedelta(minutes=11))
    await anna.tap(bot.label("btn.forget_yes"), message=confirmation)
    assert anna.last_toast == bot.label("err.stale")
    assert anna.last().text == bot.t("forget.expired")
    async with bot.store.tx() as tx:
        assert await tx.active_member(anna.user.id) is not None
    await anna.send("/vergeetmij")
    bot.clock.advance(timedelta(minutes=9))
    await anna.tap(bot.label("btn.forget_yes"))
    async with bot.store.tx() as tx:
        assert await tx.active_member(anna.user.id) is None


EMOJI_ANSWER = "Samen leren 🙂🌍👩‍🏫 " * 200  # ~3,800 code points, ~6,000 UTF-16 units


async def test_mijngegevens_with_an_emoji_long_answer(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """/mijngegevens splits by Telegram's UTF-16 count: everything arrives."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna, answer=EMOJI_ANSWER)
    before = len(anna.messages())
    await anna.send("/mijngegevens")
    new = anna.messages()[before:]
    assert len(new) >= 2
    for message in new:
        _check_fits(message)
    shown = "".join(m.plain_text for m in new)
    assert shown.count("🌍") == EMOJI_ANSWER.count("🌍")
    assert _errors(caplog) == []


async def test_step_one_summary_with_emoji_long_answers_reaches_the_group(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """Four emoji-long answers: the group gets the whole shared summary, in parts that fit."""
    await open_round(team)
    for person in team.members[:4]:
        await onboard(team, person, answer=EMOJI_ANSWER)
    # Step 1 is shared when the principal closes the brainstorm (others could still join).
    await team.principal.send("/sluit", chat=team.group)
    shared = [m for m in team.group.bot_messages if "🌍" in (m.text or "")]
    assert len(shared) >= 4
    for message in team.group.bot_messages:
        _check_fits(message)
    assert sum(m.plain_text.count("🌍") for m in shared) == 4 * EMOJI_ANSWER.count("🌍")
    assert _errors(caplog) == []
    assert any(m.photo is not None for m in team.group.bot_messages)
    assert team.bot.t("err.delivery_failed") not in [m.text for m in team.principal.messages()]


async def test_a_long_member_check_report_goes_as_a_file(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """A report longer than a message: a short word and the whole report as a file."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    long = "Veel 🙂 <b>partners</b> & meer " * 60
    for person in team.members[1:4]:
        link = [
            m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels
        ]
        await person.tap(bot.label("btn.survey_join"), message=link[-1], chat=team.group)
        await person.tap(bot.label("btn.survey_start"))
        await person.tap(bot.label("role.leraar"))
        await person.tap(bot.label("btn.skip"))
        for n in range(1, 5):
            await person.send(long)
            await person.tap(bot.label("btn.next_question"))
            if n == 3:
                await person.tap(bot.label("btn.done"))
    await team.principal.send("/membercheck sluit", chat=team.group)
    mine = team.principal.messages()
    assert bot.t("survey.report_in_file") in [m.text for m in mine]
    report = next(m.document for m in reversed(mine) if m.document_name == "membercheck.md")
    assert report.decode("utf-8").count("<b>partners</b>") == 3 * 4 * 60
    assert bot.t("err.delivery_failed") not in [m.text for m in mine]
    assert _errors(caplog) == []
