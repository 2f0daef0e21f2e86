"""/gids: a one-page guide for the gespreksleider, as a short message and a PDF, in the group
and in private; the welcome after registration points to it in one line."""

from __future__ import annotations

import re

from .conftest import Team, onboard, open_round, register


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


async def test_the_guide_in_the_group_and_in_private(team: Team) -> None:
    """Text plus a one-page PDF wherever it is asked, for the principal and a colleague."""
    bot = team.bot
    await register(team)
    welcome = team.group.last()
    assert "/gids" in welcome.plain_text
    assert len(welcome.plain_text.splitlines()) <= 6  # a line, not the guide itself

    await team.principal.send("/gids", chat=team.group)
    text, document = team.group.bot_messages[-2:]
    assert text.text == bot.t("guide.message")
    assert len(text.plain_text) < 1500  # short enough to read on a phone
    assert document.document_name == bot.label("guide.file")
    assert document.document is not None and document.document.startswith(b"%PDF")
    assert _pages(document.document) == 1

    bert = team.members[1]
    await bert.send("/gids")
    text, document = bert.messages()[-2:]
    assert text.text == bot.t("guide.message")
    assert document.document is not None and document.document.startswith(b"%PDF")
    assert _pages(document.document) == 1


async def test_the_guide_follows_the_teams_language(team: Team) -> None:
    """After /taal en the group's guide is in English."""
    bot = team.bot
    await register(team)
    await team.principal.send("/taal en", chat=team.group)
    await team.principal.send("/gids", chat=team.group)
    text, document = team.group.bot_messages[-2:]
    assert text.text == bot.texts.t("guide.message", "en")
    assert document.document_name == bot.texts.plain("guide.file", "en")
    await team.principal.send("/gids")
    assert team.principal.messages()[-2].text == bot.texts.t("guide.message", "en")


async def test_a_members_guide_and_help_follow_the_teams_language(team: Team) -> None:
    """A colleague of an English-speaking team gets /gids and /help in English in private
    (the language of the team of their round, as in the group)."""
    bot = team.bot
    await register(team)
    await open_round(team)
    bert = team.members[1]
    await onboard(team, bert)
    await team.principal.send("/taal en", chat=team.group)
    await bert.send("/gids")
    text, document = bert.messages()[-2:]
    assert text.text == bot.texts.t("guide.message", "en")
    assert document.document_name == bot.texts.plain("guide.file", "en")
    await bert.send("/help")
    assert bert.last().text.startswith(bot.texts.t("help.title_private", "en"))
    assert bot.texts.t("help.answer", "en") in bert.last().text
