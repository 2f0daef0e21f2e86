"""Write prompts/protocol_nl.toml and prompts/protocol_en.toml from PROTOCOL.md section 4.

Usage: python tools/extract_protocol.py [path/to/PROTOCOL.md]

The PROTOCOL path defaults to $NETWERKKAART_PROTOCOL, else ../shared/PROTOCOL.md beside the repo.
Every markdown table in section 4 whose header has an "ID" column is read; rows whose ID cell is
empty are skipped. The NL text is the "NL (verbatim)" cell as it stands (only the clean-up in
`clean_nl`, which changes nothing in the current PROTOCOL). The EN text is the "EN" cell without
editorial notes (see `clean_en`). tests/test_protocol_texts.py repeats these rules on its own.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ID = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Za-z0-9]+)*")
SAME_AS = re.compile(r"\(same as ([A-Z][A-Z0-9]*(?:\.[A-Za-z0-9]+)*)\)")

HEADER = """\
# Protocol texts, {what}, keyed by the IDs of PROTOCOL.md section 4 (4.1-4.11).
# Source: the "{column}" column of the section 4 tables of ../shared/PROTOCOL.md.
# {rule}
# Written by tools/extract_protocol.py; tests/test_protocol_texts.py checks every text against
# PROTOCOL.md, so edit PROTOCOL.md and re-run the script rather than editing this file by hand.
"""
RULES = {
    "nl": (
        "verbatim in Dutch",
        "NL (verbatim)",
        "Verbatim, word for word, typographic quotes kept; only markdown emphasis would go.",
    ),
    "en": (
        "the English translation",
        "EN",
        "EN cells as written minus editorial [notes], emphasis and GARBLED notes; (same as X) = X.",
    ),
}


def protocol_path() -> Path:
    """$NETWERKKAART_PROTOCOL, else ../shared/PROTOCOL.md beside the repository."""
    configured = os.environ.get("NETWERKKAART_PROTOCOL")
    return Path(configured) if configured else ROOT.parent / "shared" / "PROTOCOL.md"


def _unemphasise(text: str) -> str:
    text = re.sub(r"\*\(sic\)\*", "", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"\*(.+?)\*", r"\1", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def clean_nl(cell: str) -> str:
    """The NL cell with markdown emphasis, *(sic)* and [editorial notes] removed (none today)."""
    return _squash(_unemphasise(re.sub(r"\s*\[[^\]]*\]", "", cell)))


def clean_en(cell: str) -> str:
    """The EN cell without [editorial notes], a trailing 'GARBLED: ...' note and emphasis."""
    cell = re.sub(r"\s*\[[^\]]*\]", "", cell)
    cell = re.sub(r"\s*GARBLED:.*$", "", cell)
    return _squash(_unemphasise(cell))


def section_4_rows(text: str) -> list[tuple[str, str, str, str]]:
    """(subsection, ID, NL cell, EN cell) for every ID row of the section 4 tables, in order."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## 4."))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    rows: list[tuple[str, str, str, str]] = []
    subsection = ""
    header: list[str] | None = None
    for line in lines[start:end]:
        if line.startswith("### "):
            subsection = line[4:].strip()
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-: ") or "ID" not in header:
            continue
        if len(cells) != len(header):
            raise ValueError(f"row has {len(cells)} cells, header {len(header)}: {line[:80]}")
        row = dict(zip(header, cells, strict=True))
        if not row["ID"]:
            continue
        if not ID.fullmatch(row["ID"]):
            raise ValueError(f"not an ID: {row['ID']!r}")
        rows.append((subsection, row["ID"], row["NL (verbatim)"], row["EN"]))
    return rows


def texts(rows: list[tuple[str, str, str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """ID -> cleaned NL and ID -> cleaned EN, with '(same as X)' EN cells resolved."""
    nl = {key: clean_nl(cell) for _, key, cell, _ in rows}
    en = {key: clean_en(cell) for _, key, _, cell in rows}
    for key, value in en.items():
        same = SAME_AS.fullmatch(value)
        if same:
            en[key] = en[same.group(1)]
    if len(nl) != len(rows):
        raise ValueError("duplicate IDs in section 4")
    return nl, en


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in escaped):
        raise ValueError(f"control character in {text[:40]!r}")
    return f'"{escaped}"'


def render(lang: str, rows: list[tuple[str, str, str, str]], values: dict[str, str]) -> str:
    """The TOML file for one language, with a comment line per subsection."""
    what, column, rule = RULES[lang]
    out = [HEADER.format(what=what, column=column, rule=rule)]
    previous = None
    for subsection, key, _, _ in rows:
        if subsection != previous:
            out.append(f"\n# {subsection}\n")
            previous = subsection
        out.append(f"{_quote(key)} = {_quote(values[key])}\n")
    return "".join(out)


def main() -> None:
    """Read PROTOCOL.md, write both TOML files, and check they parse back to the same texts."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else protocol_path()
    rows = section_4_rows(path.read_text(encoding="utf-8"))
    nl, en = texts(rows)
    for lang, values in (("nl", nl), ("en", en)):
        content = render(lang, rows, values)
        assert tomllib.loads(content) == values
        (ROOT / "prompts" / f"protocol_{lang}.toml").write_text(content, encoding="utf-8")
    print(f"{len(rows)} texts written")


if __name__ == "__main__":
    main()
