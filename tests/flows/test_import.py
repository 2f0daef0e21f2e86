"""Start from the map a school already has: a spreadsheet becomes the previous version, and the
first round starts as a review of it (PROTOCOL step 0, PRE.I1)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.importdata import PARTNERS, sheet

from .conftest import Team, onboard, register

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 9, 14, 10, 0, tzinfo=BXL)


async def _rounds(team: Team) -> int:
    async with team.bot.store.tx() as tx:
        round_ = await tx.latest_round_of(1)
        return 0 if round_ is None else round_.number


async def test_a_sheet_with_bad_rows_is_refused_whole_with_the_rows_named(team: Team) -> None:
    """Four wrong rows: the answer names rows 6, 11, 22 and 32 in Dutch, nothing is kept, and
    the corrected file then reads in one go."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/start")
    rows = list(PARTNERS)
    rows[4] = ("", "zorg", "2", "Organisatie")
    rows[9] = ("Speelotheek", "speelgoed", "2", "Organisatie")
    rows[20] = ("Kunstacademie", "aanbod", "7", "Organisatie")
    rows[30] = ("clb brussel", "zorg", "1", "Organisatie")
    await team.principal.send_document(sheet(rows), "partners.csv")
    answer = team.principal.last().plain_text
    assert answer.startswith("Ik heb niets ingelezen: 4 rijen kloppen nog niet.")
    assert "rij 6: geen naam van een partner" in answer
    assert "rij 11 (Speelotheek): de categorie speelgoed ken ik niet" in answer
    assert "rij 22 (Kunstacademie): de afstand 7 ken ik niet" in answer
    assert "rij 32: clb brussel staat al op rij 2" in answer
    assert await _rounds(team) == 0
    async with bot.store.tx() as tx:
        assert await tx.latest_map_version(1) is None

    await team.principal.send_document(sheet(), "partners.csv")
    assert team.principal.last().text.startswith(
        bot.t("import.done", count=60, file="partners.csv").split(":")[0]
    )
    assert await _rounds(team) == 1


async def test_an_imported_map_of_sixty_partners_becomes_a_review_round(team: Team) -> None:
    """One file and one tap: round 2 is announced as an update, the facilitator reviews the 60
    imported partners like last year's, colleagues start with their own list."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/start")
    hint = bot.t("import.hint")
    assert any(hint in (m.text or "") for m in team.principal.inbox)  # the control message
    await team.principal.send_document(sheet(), "netwerkkaart-2025.csv")
    picture, done = team.principal.inbox[-2:]
    # The control message now points at the first round, without the hint.
    assert not any(hint in (m.text or "") for m in team.principal.inbox)
    assert any(bot.t("control.next_open") in (m.text or "") for m in team.principal.inbox)
    assert picture.photo is not None and "60 partners" in picture.plain_text
    assert done.text == bot.t("import.done", count=60, file="netwerkkaart-2025.csv")
    async with bot.store.tx() as tx:
        version = await tx.latest_map_version(1)
        assert version is not None
        assert await tx.imported_from(version.round_id) == "netwerkkaart-2025.csv"
        assert await tx.open_round_of(1) is None
        # The facilitator's own messages still go where they went (no dialog in the import).
        assert await tx.active_member(team.principal.user.id) is None
    partners = json.loads(version.snapshot_json)["partners"]
    assert len(partners) == 60
    clb = next(p for p in partners if p["label"] == "CLB Brussel")
    assert (clb["kind"], clb["category"], clb["distance"]) == ("organisatie", "zorg", 1)

    await bot.restart()  # the imported map lives in the database, not in the process
    await team.principal.tap(bot.label("btn.new_round"), message=done)
    announcement = team.announcement()
    assert "Ronde 2" in announcement.plain_text
    assert bot.t("group.round_update") in announcement.text

    await onboard(team, team.principal)
    card = team.principal.last()
    assert bot.t("review.intro").split("\n")[0] in card.text
    assert "CLB Brussel" in card.plain_text and "(1 van 60)" in card.plain_text
    await team.principal.tap(bot.label("btn.review_drop"))
    assert "(2 van 60)" in team.principal.last().plain_text
    await team.principal.tap(bot.label("btn.review_keep_rest"))
    assert bot.t("review.summary", kept=59, moved=0, dropped=1) in team.principal.last().text

    anna = team.members[0]
    await onboard(team, anna)
    assert "van 60" not in anna.last().plain_text  # a colleague starts with a list of her own
    async with bot.store.tx() as tx:
        round_ = await tx.open_round_of(1)
        assert round_ is not None
        member = await tx.member_of(round_.id, team.principal.user.id)
        assert member is not None
        assert await tx.postit_count(member.id) == 59


async def test_only_a_facilitator_imports_and_not_while_a_round_runs(team: Team) -> None:
    """A colleague's file gets the usual 'only text' answer; during a round the facilitator
    hears to import before or after it; a picture sent as a file is no sheet."""
    bot = team.bot
    bot.clock.set(MONDAY_10)
    await register(team)
    await team.principal.send("/start")
    anna = team.members[0]
    await anna.send("/start")
    await anna.send_document(sheet(), "partners.csv")
    assert anna.last().text == bot.t("dm.not_text")
    await team.principal.send_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", "kaart.png")
    assert bot.t("import.not_csv") in team.principal.last().text
    await team.principal.send("/ronde", chat=team.group)
    await team.principal.send_document(sheet(), "partners.csv")
    assert team.principal.last().text == bot.t("import.round_open")
    async with bot.store.tx() as tx:
        assert await tx.latest_map_version(1) is None
