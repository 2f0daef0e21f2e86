"""The protocol's own texts are used word for word: prompts/protocol_*.toml match PROTOCOL.md §4.

PROTOCOL.md is found through $NETWERKKAART_PROTOCOL, else at ../shared/PROTOCOL.md beside the
repository; without it these tests are skipped. Section 4 is parsed here on its own (not with
tools/extract_protocol.py): every markdown table whose header has an "ID" column gives one text per
row with a non-empty ID, from the "NL (verbatim)" and "EN" columns, whatever other columns (the
reflection cards' "Card") the table has. Clean-up, the same as the TOML files were written with:

* NL: markdown emphasis, *(sic)* and [editorial notes] would be removed; the current PROTOCOL has
  none in an NL cell, so the Dutch texts are the cells exactly.
* EN: [editorial notes], a trailing "GARBLED: ..." note and markdown emphasis are removed, and a
  cell that is only "(same as X)" stands for X's English text.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ID = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Za-z0-9]+)*")
SAME_AS = re.compile(r"\(same as (\S+)\)")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _protocol_path() -> Path:
    configured = os.environ.get("NETWERKKAART_PROTOCOL")
    return Path(configured) if configured else ROOT.parent / "shared" / "PROTOCOL.md"


def _plain(text: str) -> str:
    text = re.sub(r"\*\(sic\)\*", "", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"\*(.+?)\*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _clean_nl(cell: str) -> str:
    return _plain(re.sub(r"\s*\[[^\]]*\]", "", cell))


def _clean_en(cell: str) -> str:
    cell = re.sub(r"\s*\[[^\]]*\]", "", cell)
    return _plain(re.sub(r"\s*GARBLED:.*$", "", cell))


class Section4:
    """The ID rows of PROTOCOL.md section 4: subsection, ID, NL cell and EN cell, in order."""

    def __init__(self, text: str) -> None:
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("## 4."))
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
        self.rows: list[tuple[str, str, str, str]] = []
        self.unparsed: list[str] = []
        subsection, header = "", None
        for line in lines[start:end]:
            if line.startswith("### "):
                subsection = line[4:].split()[0]
            if not line.startswith("|"):
                header = None
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if header is None:
                header = cells
            elif "ID" in header and not set("".join(cells)) <= set("-: "):
                self._add(subsection, header, cells, line)

    def _add(self, subsection: str, header: list[str], cells: list[str], line: str) -> None:
        if len(cells) != len(header) or not {"NL (verbatim)", "EN"} <= set(header):
            self.unparsed.append(line)
            return
        row = dict(zip(header, cells, strict=True))
        if not row["ID"]:
            return
        if not ID.fullmatch(row["ID"]):
            self.unparsed.append(line)
            return
        self.rows.append((subsection, row["ID"], row["NL (verbatim)"], row["EN"]))

    def dutch(self) -> dict[str, str]:
        """ID -> the NL cell after the documented clean-up."""
        return {key: _clean_nl(nl) for _, key, nl, _ in self.rows}

    def english(self) -> dict[str, str]:
        """ID -> the EN cell after the documented clean-up, '(same as X)' resolved."""
        english = {key: _clean_en(en) for _, key, _, en in self.rows}
        for key, text in english.items():
            same = SAME_AS.fullmatch(text)
            if same:
                english[key] = english[same.group(1)]
        return english


@pytest.fixture(scope="module")
def section_4() -> Section4:
    """Section 4 of PROTOCOL.md, or a skip when the file is not beside the repository."""
    path = _protocol_path()
    if not path.is_file():
        pytest.skip(
            f"PROTOCOL.md not found at {path}: set NETWERKKAART_PROTOCOL or put it in ../shared"
        )
    return Section4(path.read_text(encoding="utf-8"))


def _load(name: str) -> dict[str, str]:
    return tomllib.loads((ROOT / "prompts" / name).read_text(encoding="utf-8"))


def test_section_4_is_parsed_completely(section_4: Section4) -> None:
    """Every subsection 4.1-4.11 yields IDs and no ID-table row is left unparsed."""
    assert section_4.unparsed == []
    subsections = {subsection for subsection, *_ in section_4.rows}
    assert subsections == {f"4.{n}" for n in range(1, 12)}
    keys = [key for _, key, _, _ in section_4.rows]
    assert len(keys) == len(set(keys)), "an ID occurs twice in section 4"
    for key in ("PRE.I1", "BRAIN.Q", "F1.ACT.1", "F3.SCH.1a", "CLOSE.Q7", "MC.Q4", "MC.END"):
        assert key in keys
    assert len(keys) >= 100


def test_dutch_texts_are_verbatim(section_4: Section4) -> None:
    """Every protocol ID has its NL (verbatim) cell, word for word, in protocol_nl.toml."""
    expected = section_4.dutch()
    dutch = _load("protocol_nl.toml")
    assert sorted(dutch) == sorted(expected)
    for key, text in expected.items():
        assert dutch[key] == text, key


def test_english_texts_match_the_translation(section_4: Section4) -> None:
    """Every protocol ID has its EN cell, without editorial notes, in protocol_en.toml."""
    expected = section_4.english()
    english = _load("protocol_en.toml")
    assert sorted(english) == sorted(expected)
    for key, text in expected.items():
        assert english[key] == text, key


def test_english_has_no_editorial_residue() -> None:
    """No [note], emphasis marker, GARBLED note or '(same as X)' reaches a person."""
    for key, text in _load("protocol_en.toml").items():
        assert not re.search(r"[\[\]*`]|GARBLED|\(same as ", text), key


def test_both_languages_have_the_same_keys() -> None:
    """protocol_nl.toml and protocol_en.toml define exactly the same IDs."""
    assert sorted(_load("protocol_nl.toml")) == sorted(_load("protocol_en.toml"))


def test_placeholders_agree_between_languages() -> None:
    """Each ID has the same set of {placeholders} in Dutch and in English."""
    dutch, english = _load("protocol_nl.toml"), _load("protocol_en.toml")
    for key in dutch.keys() & english.keys():
        assert set(PLACEHOLDER.findall(dutch[key])) == set(PLACEHOLDER.findall(english[key])), key
