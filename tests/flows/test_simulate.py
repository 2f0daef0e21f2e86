"""`python -m bot simulate`: a whole team through the real bot, offline, with files to check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.simulate import ScenarioError, parse_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = {
    "school": "Basisschool De Linde",
    "language": "nl",
    "members": [
        {"name": "An", "role": "directie", "function": "directeur",
         "partners": [{"name": "CLB", "kind": "organisatie", "category": "zorg", "distance": 1},
                      {"name": "Pedagogische begeleidingsdienst", "kind": "team",
                       "category": "professionalisering", "distance": 2}],
         "links": [["CLB", "Ondersteuningsnetwerk"]],
         "priority": "CLB"},
        {"name": "Bo", "role": "leraar",
         "partners": [{"name": "centrum voor leerlingenbegeleiding", "kind": "organisatie",
                       "category": "zorg", "distance": 3},
                      {"name": "Ondersteuningsnetwerk"},
                      {"name": "CLB Gent", "category": "zorg", "distance": 2}],
         "priority": "Centrum voor Leerlingenbegeleiding"},
    ],
}  # fmt: skip


async def test_simulation_writes_map_export_and_transcript(tmp_path: Path) -> None:
    """The map is the exact photo, the export lists merged partners and open suggestions."""
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    out = await simulate(scenario, tmp_path / "out")
    png = (out / "map.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((out / "export.json").read_text(encoding="utf-8"))
    by_label = {p["label"]: p for p in data["partners"]}
    assert set(by_label) == {"CLB", "Pedagogische begeleidingsdienst", "Ondersteuningsnetwerk",
                             "CLB Gent"}  # fmt: skip
    assert by_label["CLB"]["mentions"] == 2
    assert by_label["CLB"]["priority_by_roles"] == {"directie": 1, "leraar": 1}
    assert by_label["CLB"]["disputed"] is True
    assert by_label["Ondersteuningsnetwerk"]["kind"] is None
    assert data["links"] == [["CLB", "Ondersteuningsnetwerk"]]
    assert data["merge_suggestions"] == [["CLB", "CLB Gent"]]
    assert data["members_by_role"] == {"directie": 1, "leraar": 1}
    transcript = (out / "transcript.txt").read_text(encoding="utf-8")
    assert "=== privé: Bo ===" in transcript and "CLB Gent" in transcript


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"school": ""}, "school"),
        ({"members": []}, "members"),
        ({"language": "fr"}, "language"),
        ({"members": [{"name": "X", "role": "koning"}]}, "members[0].role"),
        ({"members": [{"name": "X", "role": "leraar", "partners": [{"name": "A", "distance": 9}]}]},
         "members[0].partners[0].distance"),
    ],
)  # fmt: skip
def test_invalid_scenarios_are_refused_clearly(change: dict[str, object], message: str) -> None:
    """Each mistake names the place in the file."""
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_scenario({**SCENARIO, **change})


def test_cli_exits_non_zero_on_a_bad_scenario(tmp_path: Path) -> None:
    """The command line prints one line and exits 2 for a broken file."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", str(bad), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr and "Traceback" not in result.stderr


async def test_simulation_with_reflection_steps_writes_the_report(tmp_path: Path) -> None:
    """Concept answers, cards and closing answers each appear once in the report."""
    scenario = json.loads(json.dumps(SCENARIO))
    scenario["deep_partners"] = ["CLB"]
    an, bo = scenario["members"]
    an["concept_answers"] = {"INTRO.Q1": "Samen groeien als team."}
    an["cards"] = [
        {"partner": "CLB", "card": "F1.ACT", "answer": "Een vaste partner."},
        {"partner": "CLB", "card": "F2.VERB", "answer": "Veel vertrouwen."},
        {"partner": "CLB", "card": "F3.LLN", "answer": "Betere zorg."},
    ]
    bo["closing"] = {"CLOSE.Q1": "Een spinnenweb.", "CLOSE.Q4": "Kinderopvang ontbreekt."}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    out = await simulate(path, tmp_path / "out")
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    report = (out / "report.md").read_text(encoding="utf-8")
    for answer in ("Samen groeien als team.", "Een vaste partner.", "Veel vertrouwen.",
                   "Betere zorg.", "Een spinnenweb.", "Kinderopvang ontbreekt."):  # fmt: skip
        assert report.count(answer) == 1, answer
    data = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert data["answers"]["metaphors"] == ["Een spinnenweb."]


def test_a_scenario_with_an_unknown_card_is_refused() -> None:
    """Card ids are the protocol's (F1.ACT ... F3.SCH)."""
    card = {"partner": "CLB", "card": "F9.X", "answer": "a"}
    bad = {**SCENARIO, "members": [{"name": "X", "role": "leraar", "cards": [card]}]}
    with pytest.raises(ScenarioError, match=r"members\[0\]\.cards\[0\]\.card"):
        parse_scenario(bad)


async def test_simulation_runs_the_member_check_in_simulated_time(tmp_path: Path) -> None:
    """Colleagues of the wider team answer; membercheck.md names functions, never people."""
    scenario = json.loads(json.dumps(SCENARIO))
    scenario["member_check"] = [
        {"name": "Els", "role": "leraar", "function": "leraar 5de leerjaar",
         "answers": ["Veel zorg.", "Een overzicht.", "Herkenbaar.", "Een web."],
         "missing_partners": ["Kinderopvang"]},
        {"name": "Bo", "role": "leraar", "answers": ["Breed."], "missing_partners": []},
    ]  # fmt: skip
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    out = await simulate(path, tmp_path / "out")
    report = (out / "membercheck.md").read_text(encoding="utf-8")
    assert "Veel zorg." in report and "Breed." in report
    assert "- Kinderopvang (1)" in report
    for name in ("Els", "Bo", "An"):
        assert name not in report


SCENARIOS = ROOT / "bot" / "scenarios"


@pytest.mark.parametrize("name", ["demo.json", "team10.json"])
async def test_a_whole_round_stays_within_ten_group_posts(tmp_path: Path, name: str) -> None:
    """From /ronde to /afronden the group gets at most ten bot posts (the demo and a team of ten
    with about forty partners), and one more when the second look changed the map (the map,
    updated once); effort.json says what the run cost each person."""
    out = await simulate(SCENARIOS / name, tmp_path / "out")
    effort = json.loads((out / "effort.json").read_text(encoding="utf-8"))
    look = effort["group_posts_per_step"].get("look", 0)
    assert look <= 1, effort["group_posts_per_step"]
    assert effort["group_posts_per_round"] <= 10 + look, effort["group_posts_per_step"]
    # One living progress message and the step's invitation, summary and map: never more
    # than three posts for a step.
    steps = ("brainstorm", "priorities", "deep", "closing", "finish")
    assert all(effort["group_posts_per_step"].get(step, 0) <= 3 for step in steps)
    for figure in ("member_messages", "member_words", "messages_before_first_typed_answer"):
        assert 0 < effort[figure]["median"] <= effort[figure]["max"]
    # A teacher's time: the median member's messages, words and wait before a first answer.
    assert effort["member_messages"]["median"] <= 60, effort["member_messages"]
    assert effort["member_words"]["median"] <= 2500, effort["member_words"]
    assert effort["messages_before_first_typed_answer"]["median"] <= 3


async def test_the_team_of_ten_sees_the_map_only_after_the_principal_was_asked(
    tmp_path: Path,
) -> None:
    """Similar names go to the principal in private first; the group's first map arrives later,
    with the brainstorm's summary as its caption, and no question ever reaches the group."""
    out = await simulate(SCENARIOS / "team10.json", tmp_path / "out")
    transcript = (out / "transcript.txt").read_text(encoding="utf-8")
    group = transcript.split("=== privé:")[0]
    assert "Zijn dit dezelfde partner?" not in group
    assert "Wil je een termijn" not in group
    principal = transcript.split("=== privé: Ann ===")[1].split("=== ")[0]
    assert "Zijn dit dezelfde partner?" in principal
    first_photo = next(line for line in group.splitlines() if line.startswith("bot: [foto"))
    assert "De brainstorm is afgesloten." in first_photo


STAGE = "stageplaatsen (bedrijven, organisaties, zorginstellingen)"
STAGE_TOO = "stageplaatsen (bedrijven, organisaties, scholen en kinderopvang in de buurt)"
LONGEST = "Samenwerkingsverband van de scholen in de regio voor leerlingen met extra noden!"
LONG_TOO = "Samenwerkingsverband van de scholen in de regio voor de nascholing van leraren"


async def test_long_names_up_to_the_bots_limit_work_in_every_step(tmp_path: Path) -> None:
    """Partners named as real school maps do, up to the 80 characters a post-it may have,
    beginning alike: every member finds and picks their priority, the deep step opens the
    long-named partner, and no screen shows two buttons that look the same."""
    from core.validation import MAX_PARTNER_NAME

    assert len(LONGEST) == MAX_PARTNER_NAME
    names = [STAGE, STAGE_TOO, LONGEST, LONG_TOO, "CLB"]
    partners = [{"name": n, "kind": "organisatie", "category": "stage", "distance": 2}
                for n in names]  # fmt: skip
    scenario = {
        "school": "Basisschool De Linde",
        "language": "nl",
        "deep_partners": [STAGE],
        "members": [
            {"name": "An", "role": "directie", "partners": partners, "priority": STAGE,
             "cards": [{"partner": STAGE, "card": "F1.ACT", "answer": "Elke stagiair leert."}]},
            {"name": "Bo", "role": "leraar", "partners": partners[:3], "priority": STAGE_TOO},
            {"name": "Cas", "role": "beleidsondersteuner", "partners": partners[2:],
             "priority": LONGEST},
        ],
    }  # fmt: skip
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    out = await simulate(path, tmp_path / "out")
    data = json.loads((out / "export.json").read_text(encoding="utf-8"))
    picks = {p["label"]: p["priority_by_roles"] for p in data["partners"]}
    assert picks[STAGE[:1].upper() + STAGE[1:]] == {"directie": 1}
    assert picks[STAGE_TOO[:1].upper() + STAGE_TOO[1:]] == {"leraar": 1}
    assert picks[LONGEST] == {"beleidsondersteuner": 1}
    assert "Elke stagiair leert." in (out / "report.md").read_text(encoding="utf-8")
    rows = [line for line in (out / "transcript.txt").read_text(encoding="utf-8").splitlines()
            if line.startswith("    [knoppen: ")]  # fmt: skip
    assert any("…" in row for row in rows)  # long names were shortened on buttons
    for row in rows:
        labels = row.removeprefix("    [knoppen: ").removesuffix("]").split(" | ")
        assert len(labels) == len(set(labels)), row
        named = [label for label in labels if label.casefold().startswith(("stage", "samen"))]
        assert all(len(label) <= 40 for label in named), row
