"""Reading the map a school already has from a spreadsheet (PROTOCOL step 0, PRE.I1; no Telegram).

"Ga na of er al een overzicht of netwerkkaart bestaat": the facilitator sends a CSV file, the
bot's own export (``...-partners.csv``: Id, Label, Kind, Category, Distance, ...) or a Kumu or
Gephi-style sheet, with a partner's name and where known its category, distance and kind.
Dutch and English headers, ``;`` ``,`` or tab as separator, UTF-8 with or without BOM (or the
Windows encoding Excel uses). All rows are checked before anything is kept: the result is
either every partner or the list of rows that are wrong, never a part.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from core.model import Category, Distance, Kind
from core.validation import MAX_PARTNERS_PER_MEMBER, Problem, clean_partner_name, normalise_key

# A partner list is small; a bigger file is not one.
MAX_BYTES = 1_000_000
# At most this many wrong rows are named in one answer (the rest are counted).
MAX_SHOWN_PROBLEMS = 8
# The imported map becomes one person's list (whoever reviews it), so the same limit applies.
MAX_PARTNERS = MAX_PARTNERS_PER_MEMBER

_NAME_HEADERS = ("label", "naam", "name", "partner", "partnernaam", "partners", "organisatie",
                 "organisation", "organization", "actor", "titel", "title")  # fmt: skip
_CATEGORY_HEADERS = ("categorie", "category", "sector", "domein", "domain")
_DISTANCE_HEADERS = ("afstand", "distance", "ring", "nabijheid", "closeness")
_KIND_HEADERS = ("soort", "kind", "type", "element type")

# Words in a category cell, first match wins (so "internship" is a stage, not internal).
_CATEGORY_WORDS: tuple[tuple[str, Category], ...] = (
    ("leerlingenbegeleiding", Category.ZORG), ("zorg", Category.ZORG), ("care", Category.ZORG),
    ("welzijn", Category.ZORG), ("professionalisering", Category.PROFESSIONALISERING),
    ("professional", Category.PROFESSIONALISERING), ("nascholing", Category.PROFESSIONALISERING),
    ("aanbod", Category.AANBOD), ("didactisch", Category.AANBOD), ("curriculum", Category.AANBOD),
    ("offer", Category.AANBOD), ("stage", Category.STAGE), ("werkplekleren", Category.STAGE),
    ("internship", Category.STAGE), ("placement", Category.STAGE),
    ("onderzoek", Category.ONDERZOEK), ("project", Category.ONDERZOEK),
    ("research", Category.ONDERZOEK), ("beleid", Category.BELEID), ("policy", Category.BELEID),
    ("intern", Category.INTERN), ("eigen schoolteam", Category.INTERN),
    ("andere", Category.ANDERE), ("other", Category.ANDERE), ("overig", Category.ANDERE),
)  # fmt: skip
_DISTANCE_WORDS: tuple[tuple[str, Distance], ...] = (
    ("in de school", Distance.IN_DE_SCHOOL), ("binnen", Distance.IN_DE_SCHOOL),
    ("in school", Distance.IN_DE_SCHOOL), ("inside", Distance.IN_DE_SCHOOL),
    ("dichtbij", Distance.DICHTBIJ), ("nabij", Distance.DICHTBIJ), ("close", Distance.DICHTBIJ),
    ("near", Distance.DICHTBIJ), ("tussenin", Distance.TUSSENIN), ("midden", Distance.TUSSENIN),
    ("middle", Distance.TUSSENIN), ("veraf", Distance.VERAF), ("ver", Distance.VERAF),
    ("far", Distance.VERAF), ("afwezig", Distance.AFWEZIG), ("absent", Distance.AFWEZIG),
)  # fmt: skip
_KIND_WORDS: tuple[tuple[str, Kind], ...] = (
    ("individu", Kind.INDIVIDU), ("persoon", Kind.INDIVIDU), ("person", Kind.INDIVIDU),
    ("individual", Kind.INDIVIDU), ("team", Kind.TEAM), ("organisatie", Kind.ORGANISATIE),
    ("organisation", Kind.ORGANISATIE), ("organization", Kind.ORGANISATIE),
)  # fmt: skip


@dataclass(frozen=True)
class ImportedPartner:
    """One partner of the existing map: its name and, where the sheet says, the rest."""

    row: int
    name: str
    category: Category | None = None
    distance: Distance | None = None
    kind: Kind | None = None


@dataclass(frozen=True)
class ImportedMap:
    """Every partner of the sheet, in its order."""

    partners: tuple[ImportedPartner, ...]
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRefused:
    """Why nothing was imported: file-level problems, or the wrong rows (row numbers as the
    spreadsheet shows them, the header being row 1)."""

    problems: tuple[Problem, ...]
    wrong_rows: int = 0
    extra: dict[str, str | int] = field(default_factory=dict)


def _plain(text: str) -> str:
    """Lowercase without accents or surrounding space: 'Categorie ' and 'catégorie' match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def decode(data: bytes) -> str | None:
    """The file's text: UTF-8 (a BOM dropped), else Windows-1252; None for a binary file."""
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _dialect(text: str) -> str:
    """The separator of the header line: ';', tab or ','."""
    header = text.splitlines()[0] if text else ""
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    plain = [_plain(h) for h in headers]
    for name in names:
        if name in plain:
            return plain.index(name)
    return None


def _word_match(value: str, table: tuple[tuple[str, object], ...]) -> object | None:
    plain = _plain(value).replace("(", " ").replace(")", " ")
    words = plain.replace("-", " ").replace("/", " ").split()
    for word, result in table:
        if " " in word and word in plain:
            return result
        if any(w == word or (len(word) >= 5 and w.startswith(word)) for w in words):
            return result
    return None


def parse_category(value: str) -> Category | Problem | None:
    """A category cell: the bot's own value, a Dutch or English name; empty is None."""
    plain = _plain(value)
    if not plain:
        return None
    if plain in {c.value for c in Category}:
        return Category(plain)
    found = _word_match(value, _CATEGORY_WORDS)
    return found if isinstance(found, Category) else Problem("import.bad_category")


def parse_distance(value: str) -> Distance | Problem | None:
    """A distance cell: 0-4 (0 in the school, 4 absent), or a word for the ring."""
    plain = _plain(value)
    if not plain:
        return None
    head = plain.split()[0].rstrip(".:-")
    if head.isdigit():
        number = int(head)
        return Distance(number) if 0 <= number <= 4 else Problem("import.bad_distance")
    found = _word_match(value, _DISTANCE_WORDS)
    return found if isinstance(found, Distance) else Problem("import.bad_distance")


def parse_kind(value: str) -> Kind | None:
    """A kind cell when it names one (Kumu's Type may say anything: then None)."""
    found = _word_match(value, _KIND_WORDS)
    return found if isinstance(found, Kind) else None


def parse_map(data: bytes) -> ImportedMap | ImportRefused:
    """Every partner of a CSV file, or why nothing is imported."""
    if len(data) > MAX_BYTES:
        return ImportRefused((Problem("import.too_big", {"max_kb": MAX_BYTES // 1000}),))
    text = decode(data)
    if text is None:
        return ImportRefused((Problem("import.not_csv"),))
    rows = list(csv.reader(io.StringIO(text), delimiter=_dialect(text)))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        return ImportRefused((Problem("import.empty"),))
    headers = [cell.strip() for cell in rows[0]]
    name_col = _column(headers, _NAME_HEADERS)
    if name_col is None:
        name_col = _column(headers, ("id",))
    if name_col is None:
        shown = ", ".join(h for h in headers if h)[:200] or "—"
        return ImportRefused((Problem("import.no_name_column", {"headers": shown}),))
    category_col = _column(headers, _CATEGORY_HEADERS)
    distance_col = _column(headers, _DISTANCE_HEADERS)
    kind_col = _column(headers, _KIND_HEADERS)

    def cell(row: list[str], index: int | None) -> str:
        return row[index].strip() if index is not None and index < len(row) else ""

    partners: list[ImportedPartner] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows[1:]):
        number = offset + 2  # the header is row 1 in a spreadsheet
        if not any(c.strip() for c in row):
            continue
        raw_name = cell(row, name_col)
        name = clean_partner_name(raw_name) if raw_name else Problem("err.empty")
        if isinstance(name, Problem):
            key = (
                "import.row_too_long"
                if name.key == "err.partner_too_long"
                else "import.row_no_name"
            )
            problems.append(Problem(key, {"row": number, "name": raw_name[:40], **name.fields}))
            continue
        category = parse_category(cell(row, category_col))
        if isinstance(category, Problem):
            value = cell(row, category_col)[:40]
            problems.append(Problem(category.key, {"row": number, "name": name, "value": value}))
            continue
        distance = parse_distance(cell(row, distance_col))
        if isinstance(distance, Problem):
            value = cell(row, distance_col)[:40]
            problems.append(Problem(distance.key, {"row": number, "name": name, "value": value}))
            continue
        key = normalise_key(name)
        if key in seen:
            problems.append(
                Problem("import.row_duplicate", {"row": number, "name": name, "first": seen[key]})
            )
            continue
        seen[key] = number
        kind = parse_kind(cell(row, kind_col)) if kind_col is not None else None
        partners.append(ImportedPartner(number, name, category, distance, kind))
    if problems:
        return ImportRefused(tuple(problems), wrong_rows=len(problems))
    if not partners:
        return ImportRefused((Problem("import.empty"),))
    if len(partners) > MAX_PARTNERS:
        return ImportRefused(
            (Problem("import.too_many", {"count": len(partners), "max": MAX_PARTNERS}),)
        )
    return ImportedMap(tuple(partners), tuple(headers))
