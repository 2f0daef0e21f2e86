"""Privacy promises: the group sees a text only once its step is shared, and /vergeetmij
leaves no row and no byte of the person's texts behind (kept versions and reports too)."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib

import pytest

from bot.testing.fakegram import FakeMessage, Person

from .conftest import Team, add_partner, open_round

# Unique texts only Anna types; each must never reach the group before its step is shared.
FUNCTION = "Zorgjuf-QXFUNC"
INTRO = "Samen leren QXINTRO met de buren."
REASON = "Omdat QXREASON onmisbaar is."
CARD = "Vertrouwen QXCARD groeit elke week."
METAPHOR = "Een parachute QXMETA vol kleuren."
ABSENCE = "Muziekschool QXABS"
WHY = "We dachten er QXWHY nooit aan."
ANNAS = (FUNCTION, INTRO, REASON, CARD, METAPHOR, ABSENCE, WHY)
PARTNER = "Bakkerij Peeters"


async def _join(team: Team, person: Person, *, function: str | None, answer: str | None) -> None:
    """Join, role leraar, an optional function and an optional first answer."""
    bot = team.bot
    await person.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await person.tap(bot.label("role.leraar"))
    if function:
        await person.send(function)
    else:
        await person.tap(bot.label("btn.skip"))
    if answer:
        await person.send(answer)
    await person.tap(bot.label("btn.next_question") if answer else bot.label("btn.skip"))
    await person.tap(bot.label("btn.skip"))
    await person.tap(bot.label("btn.to_brainstorm"))


def _group(team: Team) -> list[FakeMessage]:
    return list(team.group.bot_messages)


def _first_seen(messages: list[FakeMessage], marker: str) -> int | None:
    """Index of the first group message (text or caption) that shows the marker."""
    return next((i for i, m in enumerate(messages) if marker in m.plain_text), None)


async def _whole_round(team: Team) -> dict[str, int]:
    """Anna and Bert run steps 1 to 4; returns how many group messages existed when each
    step was shared. The principal asks /kaart in the group during 2C and during step 4."""
    bot = team.bot
    await open_round(team)
    anna, bert = team.members[:2]
    await _join(team, anna, function=FUNCTION, answer=INTRO)
    await _join(team, bert, function=None, answer=None)
    await add_partner(team, anna, PARTNER, "organisatie", "aanbod", 1)
    await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 3)
    shared = {"intro": len(_group(team))}
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/kaart", chat=team.group)
    shared["before_picks"] = len(_group(team))
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap(PARTNER)
    await anna.send(REASON)
    await team.principal.send("/kaart", chat=team.group)  # during 2C: no picks yet
    shared["during_picks"] = len(_group(team))
    shared["picks"] = len(_group(team))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send(f"/verdiep {PARTNER}", chat=team.group)
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    await anna.tap(f"2 · {bot.label('card.F2.VERB')}")
    await anna.send(CARD)
    shared["deep"] = len(_group(team))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    await anna.send(METAPHOR)
    await anna.tap(bot.label("btn.next_question"))
    await anna.tap(bot.label("btn.skip"))
    await anna.tap(bot.label("btn.skip"))
    await anna.tap(bot.label("btn.add_absence"))
    await anna.send(ABSENCE)
    await anna.send(WHY)
    await anna.tap(bot.label("btn.skip"))
    await team.principal.send("/kaart", chat=team.group)  # during step 4: no metaphors yet
    shared["closing"] = len(_group(team))
    await team.principal.send("/sluit", chat=team.group)
    return shared


async def test_the_group_sees_each_private_text_only_after_its_step_is_shared(
    team: Team,
) -> None:
    """Over a whole round, every one of Anna's texts appears in the group (texts and
    captions) only after the step that shares it closed (her priority reason once 2C closed,
    anonymously); her function never."""
    shared = await _whole_round(team)
    messages = _group(team)
    when = {INTRO: "intro", REASON: "picks", CARD: "deep", METAPHOR: "closing",
            ABSENCE: "closing", WHY: "closing"}  # fmt: skip
    for marker, step in when.items():
        first = _first_seen(messages, marker)
        assert first is not None, marker  # the protocol does share it, in the end
        assert first >= shared[step], (marker, first, shared[step])
    assert _first_seen(messages, FUNCTION) is None  # never shared with the group
    # The map the principal asked for during step 4 had no metaphor in its caption.
    during_closing = [m for m in messages[: shared["closing"]] if m.photo is not None]
    assert during_closing and all("QXMETA" not in m.plain_text for m in during_closing)


async def test_the_map_during_2c_does_not_show_who_picked_what(team: Team) -> None:
    """The group's map during 2C is the map without picks; after /sluit the picks appear."""
    shared = await _whole_round(team)
    messages = _group(team)
    photos_before = [m.photo for m in messages[: shared["before_picks"]] if m.photo]
    photos_during = [
        m.photo for m in messages[shared["before_picks"] : shared["during_picks"]] if m.photo
    ]
    after = [m.photo for m in messages[shared["picks"] : shared["deep"]] if m.photo]
    assert photos_before and photos_during and after
    assert photos_during[-1] == photos_before[-1]  # nothing of Anna's pick drawn yet
    assert after[0] != photos_before[-1]  # the pick shows once 2C is shared


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's content streams, inflated where compressed (to look for a text in it)."""
    out = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        for data in (stream, stream.strip()):
            try:
                out.append(zlib.decompress(data))
                break
            except zlib.error:
                continue
    return b"\n".join(out)


async def _database_bytes(team: Team) -> bytes:
    """Every byte of the database file and its -wal file, with the kept PDFs inflated."""
    path = team.bot.db_path
    wal = path.with_name(path.name + "-wal")
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    async with team.bot.store.tx() as tx:
        rows = await tx._all("SELECT report_pdf FROM map_versions")
    return raw + b"".join(_pdf_text(bytes(r["report_pdf"])) for r in rows)


async def test_forget_me_after_a_finished_round_leaves_no_byte_of_my_texts(team: Team) -> None:
    """After /afronden, /vergeetmij takes Anna's texts out of every row, the kept version
    and the files; the kept map keeps its counts and the bot says what it did."""
    bot = team.bot
    await _whole_round(team)
    await team.principal.send("/start")
    await team.principal.send("/afronden", chat=team.group)
    anna = team.members[0]
    async with bot.store.tx() as tx:
        team_row = await tx.team_by_chat(team.group.id)
        assert team_row is not None
        before = await tx.latest_map_version(team_row.id)
    assert before is not None
    old = json.loads(before.snapshot_json)
    stored = await _database_bytes(team)
    for marker in ANNAS:  # the test can fail: every text is stored before
        assert marker.encode() in stored, marker

    await anna.send("/mijngegevens")
    mine = anna.last().plain_text
    for marker in ANNAS:
        assert marker in mine, marker

    await anna.send("/vergeetmij")
    await anna.tap(bot.label("btn.forget_yes"))
    said = anna.last().text
    for kind, count in (("memberships", 1), ("answers", 1), ("priorities", 1), ("cards", 1),
                        ("absences", 1)):  # fmt: skip
        assert bot.t(f"forget.kind.{kind}", count=count) in said, kind
    assert bot.t("forget.kept", rounds=1, postits=1) in said
    assert bot.t("forget.done_end") in said

    stored = await _database_bytes(team)
    for marker in ANNAS:
        assert marker.encode() not in stored, marker
    wal = bot.db_path.with_name(bot.db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    async with bot.store.tx() as tx:
        rows = await tx._all("SELECT COUNT(*) AS n FROM members WHERE user_id = ?", (anna.user.id,))
        sources = await tx._all(
            "SELECT COUNT(*) AS n FROM source_messages WHERE user_id = ?", (anna.user.id,)
        )
        after = await tx.latest_map_version(team_row.id)
        data = await tx.personal_data(anna.user.id)
    assert rows[0]["n"] == 0 and sources[0]["n"] == 0
    assert data.memberships == [] and data.checks == []
    assert after is not None and after.id == before.id
    new = json.loads(after.snapshot_json)
    counts = {p["label"]: (p["mentions"], p["priority_by_roles"]) for p in old["partners"]}
    assert {p["label"]: (p["mentions"], p["priority_by_roles"]) for p in new["partners"]} == counts
    assert new["answers"]["metaphors"] == []
    await anna.send("/mijngegevens")
    assert anna.last().text == bot.t("mydata.none")


async def _member_check_answer(
    team: Team, person: Person, function: str, answers: list[str]
) -> None:
    bot = team.bot
    link = [m for m in team.group.bot_messages if bot.label("btn.survey_join") in m.button_labels][
        -1
    ]
    await person.tap(bot.label("btn.survey_join"), message=link, chat=team.group)
    notice = re.sub(r"<[^>]+>", "", bot.texts.plain("survey.storage", "nl"))
    assert notice in person.last().plain_text
    await person.tap(bot.label("btn.survey_start"))
    await person.tap(bot.label("role.leraar"))
    await person.send(function)
    for n, answer in enumerate(answers, start=1):
        await person.send(answer)
        await person.tap(bot.label("btn.next_question"))
        if n == 3:
            await person.tap(bot.label("btn.done"))


async def test_forget_me_as_a_member_check_respondent(team: Team) -> None:
    """Carla answered the member check: /mijngegevens shows her answers with the storage
    notice; /vergeetmij says it deleted them, and the report and the files lose them."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await _join(team, anna, function=None, answer="Leren met het hele team.")
    await add_partner(team, anna, PARTNER, "organisatie", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/start")
    await team.principal.send("/membercheck", chat=team.group)
    carla, dirk = team.members[2:4]
    carlas = ["Veel QXMC1 partners.", "Overzicht QXMC2.", "Herkenbaar QXMC3.", "Een QXMC4 web."]
    await _member_check_answer(team, carla, "Leraar QXMCFUNC", carlas)
    await _member_check_answer(team, dirk, "Leraar", ["Breed.", "Een plan.", "Ja.", "Een brug."])
    await team.principal.send("/membercheck sluit", chat=team.group)
    async with bot.store.tx() as tx:
        checks = await tx._all("SELECT report_md FROM member_checks")
    assert all(a in checks[0]["report_md"] for a in carlas)
    stored = await _database_bytes(team)
    assert all(a.encode() in stored for a in carlas)

    await carla.send("/mijngegevens")
    mine = carla.last().plain_text
    assert all(a in mine for a in carlas) and "QXMCFUNC" in mine
    assert bot.texts.plain("mydata.check_notice", "nl") in mine

    await carla.send("/vergeetmij")
    await carla.tap(bot.label("btn.forget_yes"))
    said = carla.last().text
    assert said != bot.t("forget.nothing")
    assert bot.t("forget.kind.check_answers", count=4) in said
    assert bot.t("forget.done_end") in said

    async with bot.store.tx() as tx:
        checks = await tx._all("SELECT report_md FROM member_checks")
        respondents = await tx._all(
            "SELECT COUNT(*) AS n FROM mc_respondents WHERE user_id = ?", (carla.user.id,)
        )
    report = checks[0]["report_md"]
    assert respondents[0]["n"] == 0
    assert "Een brug." in report and not any(a in report for a in carlas)
    stored = await _database_bytes(team)
    for marker in [*carlas, "QXMCFUNC"]:
        assert marker.encode() not in stored, marker


async def test_export_during_step_4_holds_only_what_was_shared(team: Team) -> None:
    """/export while the closing questions run leaves the unshared answers out; after /sluit
    they are in it."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await _join(team, anna, function=None, answer=INTRO)
    await add_partner(team, anna, PARTNER, "organisatie", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afsluiter", chat=team.group)
    await anna.send(METAPHOR)
    await team.principal.send("/start")

    async def exported() -> str:
        await team.principal.send("/export", chat=team.group)
        found = [
            m.document for m in team.principal.messages()
            if m.document_name and m.document_name.endswith(".json")
        ]  # fmt: skip
        assert found and found[-1] is not None
        return found[-1].decode("utf-8")

    during = await exported()
    assert "QXMETA" not in during and "QXINTRO" in during
    await team.principal.send("/sluit", chat=team.group)
    assert "QXMETA" in await exported()
    assert bot.t("export.sent") in [m.text for m in team.principal.messages()]


async def test_the_comparison_during_2c_shows_no_new_picks(team: Team) -> None:
    """/kaart vergelijk during round 2's priority step says nothing about who picked what;
    once 2C closed it names the newly picked partner."""
    bot = team.bot
    other = "Sportclub Noord"
    await open_round(team)
    anna, carla = team.members[0], team.members[2]
    await _join(team, anna, function=None, answer=None)
    await add_partner(team, anna, PARTNER, "organisatie", "aanbod", 1)
    await add_partner(team, anna, other, "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap(PARTNER)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    await team.principal.send("/ronde", chat=team.group)
    await _join(team, carla, function=None, answer=None)
    await add_partner(team, carla, PARTNER, "organisatie", "aanbod", 1)
    await add_partner(team, carla, other, "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    await carla.tap(other)
    gained = bot.t("compare.priority_gained", names=other)
    await team.principal.send("/kaart vergelijk", chat=team.group)
    assert team.group.last().photo is None
    assert gained not in team.group.last().text
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/kaart vergelijk", chat=team.group)
    assert gained in team.group.last().text


@pytest.mark.parametrize(
    "assignment",
    [
        "report_md = 'x'",
        "report_md = 'x', anonymised = anonymised + 2",
        "round_id = round_id + 1, anonymised = anonymised + 1",
        "created_at = 'x', anonymised = anonymised + 1",
        "reason = 'membercheck', anonymised = anonymised + 1",
    ],
)
async def test_a_kept_version_changes_only_by_anonymising(team: Team, assignment: str) -> None:
    """The database refuses every update of a kept version except the anonymising one, which
    keeps its identity and counts itself."""
    await open_round(team)
    await _join(team, team.members[0], function=None, answer=INTRO)
    await add_partner(team, team.members[0], PARTNER, "organisatie", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/afronden", chat=team.group)
    async with team.bot.store.tx() as tx:
        with pytest.raises(sqlite3.IntegrityError):
            await tx._run(f"UPDATE map_versions SET {assignment}")
    async with team.bot.store.tx() as tx:
        await tx._run("UPDATE map_versions SET report_md = 'x', anonymised = anonymised + 1")
