"""Step 5: /afronden keeps an immutable, dated version and sends the team's report."""

from __future__ import annotations

import json
import sqlite3

import pytest

from .conftest import Team, add_partner, onboard, open_round


async def _full_round(team: Team) -> None:
    """Brainstorm, priorities, one deep conversation and the closing questions."""
    bot = team.bot
    await open_round(team)
    anna, bert = team.members[:2]
    await onboard(team, anna, answer="Samen sterker worden.")
    await onboard(team, bert, answer=None)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "Crèche Élise", "organisatie", "zorg", 4)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap("CLB")
    await anna.send("Onmisbaar.")
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/verdiep CLB", chat=team.group)
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    await anna.tap(f"2 · {bot.label('card.F2.VERB')}")
    await anna.send("Er is veel vertrouwen.")
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    await anna.send("Een parachute vol kleuren.")
    await team.principal.send("/sluit", chat=team.group)


async def test_finishing_keeps_a_version_and_sends_the_report(team: Team) -> None:
    """The principal gets a PDF and Markdown in which every answer appears exactly once."""
    await _full_round(team)
    bot = team.bot
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)
    # The kept map and the closing words arrive as one photo with caption.
    done = bot.t("finish.done", number=1, date=_date(team))
    assert [m for m in team.group.bot_messages if m.photo and done in (m.caption or "")]
    documents = {m.document_name: m.document for m in team.principal.messages() if m.document}
    pdf = documents["netwerkkaart-ronde1-verslag.pdf"]
    markdown = documents["netwerkkaart-ronde1-verslag.md"]
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert markdown is not None
    text = markdown.decode("utf-8")
    for answer in ("Samen sterker worden.", "Er is veel vertrouwen.", "Een parachute vol kleuren.",
                   "Onmisbaar."):  # fmt: skip
        assert text.count(answer) == 1, answer
    assert "Crèche Élise" in text
    assert "Anna" not in text and "Bert" not in text
    assert "## Randvoorwaarden: hoe?" in text
    async with bot.store.tx() as tx:
        team_row = await tx.team_by_chat(team.group.id)
        assert team_row is not None
        assert await tx.open_round_of(team_row.id) is None
        version = await tx.latest_map_version(team_row.id)
    assert version is not None
    snapshot = json.loads(version.snapshot_json)
    assert snapshot["answers"]["metaphors"] == ["Een parachute vol kleuren."]


async def test_a_kept_version_cannot_be_changed(team: Team) -> None:
    """The database refuses to update a map version."""
    await _full_round(team)
    await team.principal.send("/afronden", chat=team.group)
    async with team.bot.store.tx() as tx:
        with pytest.raises(sqlite3.IntegrityError):
            await tx._run("UPDATE map_versions SET report_md = 'x'")


async def test_finishing_while_a_step_runs_is_refused(team: Team) -> None:
    """/afronden during the brainstorm asks to close the step first."""
    await open_round(team)
    await team.principal.send("/afronden", chat=team.group)
    assert team.group.last().text == team.bot.t("finish.step_open")


def _date(team: Team) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Brussels")).strftime("%d-%m-%Y")


async def test_a_finished_round_cannot_be_edited(team: Team) -> None:
    """After /afronden the editor refuses: a new round makes a new version."""
    await _full_round(team)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/bewerk")
    assert team.principal.last().text == team.bot.t("finish.locked")


async def test_nothing_is_lost_across_restarts_in_steps_3_and_4(team: Team) -> None:
    """A restart while answering a card and while answering a closing question loses nothing."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await onboard(team, anna)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/verdiep CLB", chat=team.group)
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    await anna.tap(f"1 · {bot.label('card.F1.ACT')}")
    await anna.send("Eerste deel.")
    await bot.restart()
    await anna.send("Tweede deel.")
    await anna.send("/start")
    assert "Eerste deel.\nTweede deel." in anna.last().plain_text
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    await anna.send("Een boom.")
    await bot.restart()
    await anna.tap(bot.label("btn.next_question"))
    assert bot.texts.plain("CLOSE.Q2", "nl") in anna.last().plain_text
    await team.principal.send("/sluit", chat=team.group)
    shared = "\n".join(m.plain_text for m in team.group.bot_messages)
    assert "Eerste deel.\nTweede deel." in shared and "Een boom." in shared
