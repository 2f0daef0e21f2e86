"""The protocol's own texts are used word for word: prompts/protocol_*.toml match PROTOCOL.md §4."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ID = re.compile(r"[A-Z0-9]+(?:\.[A-Za-z0-9]+)*")


def _protocol_path() -> Path:
    configured = os.environ.get("NETWERKKAART_PROTOCOL")
    return Path(configured) if configured else ROOT.parent / "shared" / "PROTOCOL.md"


def _clean_en(cell: str) -> str:
    """The EN column without editorial notes: [brackets], *(sic)* and ** emphasis."""
    cell = re.sub(r"\*\(sic\)\*", "", cell)
    cell = re.sub(r"\s*\[[^\]]*\]", "", cell)
    return re.sub(r"\s+", " ", cell.replace("**", "")).strip()


def _section_4_rows() -> dict[str, tuple[str, str]]:
    """ID -> (NL, EN) for every table row of section 4 whose first cell is an ID."""
    path = _protocol_path()
    if not path.exists():
        pytest.skip(f"{path} not found (CI has ../shared beside the repo)")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## 4."))
    end = next(i for i, line in enumerate(lines) if line.startswith("## 5."))
    rows: dict[str, tuple[str, str]] = {}
    for line in lines[start:end]:
        if not line.startswith("| "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "ID" or not ID.fullmatch(cells[0]) or len(cells) not in (3, 4):
            continue
        # Three columns: ID | NL | EN. Four (the reflection cards): ID | card | NL | EN.
        rows[cells[0]] = (re.sub(r"\s+", " ", cells[-2]), _clean_en(cells[-1]))
    return rows


def _load(name: str) -> dict[str, str]:
    return tomllib.loads((ROOT / "prompts" / name).read_text(encoding="utf-8"))


def test_section_4_is_found() -> None:
    """The parser finds the protocol's question texts (a broken parser would pass vacuously)."""
    rows = _section_4_rows()
    for key in ("INTRO.Q1", "INTRO.Q2", "DEF.EXT", "DEF.COLL", "BRAIN.Q", "BRAIN.NOTE"):
        assert key in rows
    assert len(rows) >= 100


def test_dutch_protocol_texts_are_verbatim() -> None:
    """Every Dutch protocol text equals the NL (verbatim) column, word for word."""
    rows = _section_4_rows()
    dutch = _load("protocol_nl.toml")
    assert set(dutch) == set(rows)
    for key, (nl, _) in rows.items():
        assert dutch[key] == nl, key


def test_english_protocol_texts_match_the_translation() -> None:
    """Every English protocol text equals the EN column without editorial notes."""
    rows = _section_4_rows()
    english = _load("protocol_en.toml")
    assert set(english) == set(rows)
    for key, (_, en) in rows.items():
        assert english[key] == en, key


def test_protocol_texts_have_no_placeholders() -> None:
    """Protocol texts are shown as they are: no {field} that the code would have to fill."""
    for name in ("protocol_nl.toml", "protocol_en.toml"):
        for key, text in _load(name).items():
            assert "{" not in text and "}" not in text, (name, key)
