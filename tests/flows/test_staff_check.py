"""The member check reaches the whole staff: a link, a QR code and a poster for the principal;
anyone with the link answers once, without joining the working group's chat; the focus group
is left out unless the principal includes it."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import zxingcpp
from PIL import Image

from bot.testing.fakegram import FakeMessage, Person

from .conftest import Team, add_partner, onboard, open_round

LINK = re.compile(r"https://t\.me/\S+\?start=mc_[A-Za-z0-9_-]+")


async def _finished_round(team: Team) -> None:
    """Anna alone is the focus group; the others never joined the round."""
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna, answer="Leren dat het hele team raakt.")
    await add_partner(team, anna, "Bakkerij Peeters", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)


def _share_message(team: Team) -> FakeMessage:
    text = team.bot.t("survey.share", url="X", when="Y").split("\n")[0]
    return next(m for m in reversed(team.principal.messages()) if m.text and text in m.text)


def _shared_link(team: Team) -> str:
    found = LINK.search(_share_message(team).plain_text)
    assert found is not None
    return found.group(0)


async def _answer_all(team: Team, person: Person) -> None:
    bot = team.bot
    await person.tap(bot.label("btn.survey_start"))
    await person.tap(bot.label("role.leraar"))
    await person.tap(bot.label("btn.skip"))
    for n in range(1, 5):
        await person.send(f"Antwoord {n} van {person.user.first_name}.")
        await person.tap(bot.label("btn.next_question"))
        if n == 3:
            await person.tap(bot.label("btn.done"))


async def test_a_colleague_outside_the_group_answers_once_through_the_shared_link(
    team: Team,
) -> None:
    """The principal gets the link, a QR code that decodes to it and a poster; Olga, who is not
    in the working group's chat, scans it, answers, and a second try is refused kindly."""
    bot = team.bot
    await _finished_round(team)
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)

    url = _shared_link(team)
    token = url.rsplit("mc_", 1)[1]
    assert len(token) >= 20  # unguessable
    codes = [
        m for m in team.principal.messages() if m.document_name == team.bot.label("survey.qr_file")
    ]
    assert len(codes) == 1
    png = codes[0].document
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert min(image.size) >= 200 and max(image.size) <= 2000
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]
    poster = next(
        m for m in team.principal.messages()
        if m.document_name == bot.label("survey.poster_file")
    )  # fmt: skip
    assert poster.document is not None and poster.document.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", poster.document)) == 1
    # The group's newest message is still the one with the button; nothing about the kit.
    assert bot.label("btn.survey_join") in team.group.last().button_labels

    olga = team.outsider
    assert olga.user.id not in team.group.members
    await olga.open_link(url)
    assert bot.label("btn.survey_start") in olga.last().button_labels
    await _answer_all(team, olga)
    assert olga.last().text == bot.t("survey.done")
    await olga.open_link(url)
    assert olga.last().text == bot.t("survey.already_answered")
    assert bot.label("btn.survey_start") not in olga.last().button_labels

    await team.principal.send("/membercheck sluit", chat=team.group)
    assert team.group.last().text == bot.t("survey.closed", count=1)
    report = next(
        m.document for m in reversed(team.principal.messages())
        if m.document_name == "membercheck.md"
    ).decode("utf-8")  # fmt: skip
    assert "Antwoord 1 van Olga." in report
    assert "Olga" not in report.replace("Antwoord 1 van Olga.", "").replace(" van Olga.", "")
    assert "(leraar)" not in report  # one teacher alone is not named by function


async def test_the_focus_group_is_left_out_unless_the_principal_includes_it(team: Team) -> None:
    """Anna made the map and is not asked; after the principal's button she may answer."""
    bot = team.bot
    await _finished_round(team)
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    anna, bert = team.members[0], team.members[1]
    url = _shared_link(team)

    await anna.open_link(url)
    assert anna.last().text == bot.t("survey.participant_left_out")
    await anna.tap(bot.label("btn.survey_join"), chat=team.group)
    assert anna.last().text == bot.t("survey.participant_left_out")
    await bert.open_link(url)
    assert bot.label("btn.survey_start") in bert.last().button_labels
    async with bot.store.tx() as tx:
        check = await tx.open_member_check_of(1)
        assert check is not None and not check.include_participants
        assert await tx.respondent_of(check.id, anna.user.id) is None

    share = _share_message(team)
    include = bot.label("btn.share_include")
    assert share.button_labels == [include]
    # Only the principal decides: a forwarded button does nothing for Anna.
    await anna.tap(include, message=share)
    assert anna.last_toast == bot.label("map.only_principal")
    await team.principal.tap(include, message=share)
    assert team.principal.last().text == bot.t("survey.share_included")
    assert share.button_labels == [bot.label("btn.share_exclude")]

    await anna.open_link(url)
    assert bot.label("btn.survey_start") in anna.last().button_labels
    await _answer_all(team, anna)
    assert anna.last().text == bot.t("survey.done")
    async with bot.store.tx() as tx:
        check = await tx.open_member_check_of(1)
        assert check is not None and check.include_participants
        row = await tx.respondent_of(check.id, anna.user.id)
        assert row is not None and row.finished_at is not None


async def test_a_principal_without_a_private_chat_is_told_and_can_ask_again(team: Team) -> None:
    """The kit cannot reach a principal who never opened the private chat: the group says how
    to get it, and /membercheck link sends it again."""
    bot = team.bot
    await _finished_round(team)
    await team.principal.send("/membercheck", chat=team.group)
    texts = [m.text for m in team.group.bot_messages]
    assert bot.t("survey.share_unreachable") in texts
    assert bot.label("btn.survey_join") in team.group.last().button_labels
    await team.principal.send("/start")
    await team.principal.send("/membercheck link", chat=team.group)
    assert team.group.last().text == bot.t("survey.share_sent")
    url = _shared_link(team)
    assert any(
        m.document_name == team.bot.label("survey.qr_file") for m in team.principal.messages()
    )
    join = next(
        m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels
    )
    assert join.buttons[0][0].url == url  # the group's button and the shared link are one


async def test_the_reminder_reaches_a_colleague_outside_the_group_with_the_link(
    team: Team,
) -> None:
    """Olga started through the shared link; the reminder carries a button back to it."""
    bot = team.bot
    bot.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Brussels")))
    await _finished_round(team)
    await team.principal.send("/start")
    await team.principal.send("/membercheck 7d", chat=team.group)
    olga = team.outsider
    await olga.open_link(_shared_link(team))
    await olga.tap(bot.label("btn.survey_start"))
    bot.clock.advance(timedelta(days=3, hours=22))  # Friday 08:00
    assert await bot.tick() == 1
    nudge = olga.last()
    assert nudge.text == bot.t("survey.nudge")
    await olga.tap(bot.label("btn.survey_continue"), message=nudge)
    assert olga.last().text == bot.t("survey.role")
