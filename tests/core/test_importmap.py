"""Reading a school's existing map from a spreadsheet: headers, separators, bad rows."""

from __future__ import annotations

import pytest

from core.importmap import ImportedMap, ImportRefused, parse_map
from core.model import Category, Distance, Kind
from core.teammap import nodes_csv
from tests.importdata import PARTNERS, sheet


def test_a_realistic_sheet_of_sixty_partners_is_read_whole() -> None:
    """Excel's CSV (';', UTF-8 with BOM, Dutch headers and labels): all 60, in order."""
    result = parse_map(sheet())
    assert isinstance(result, ImportedMap)
    assert len(result.partners) == 60
    first = result.partners[0]
    assert (first.name, first.category, first.distance, first.kind) == (
        "CLB Brussel", Category.ZORG, Distance.DICHTBIJ, Kind.ORGANISATIE,
    )  # fmt: skip
    by_name = {p.name: p for p in result.partners}
    assert by_name["Ouderraad"].category is Category.INTERN
    assert by_name["Ouderraad"].distance is Distance.IN_DE_SCHOOL
    assert by_name["Lerarenopleiding UCLL"].category is Category.STAGE
    assert by_name["KU Leuven onderzoeksproject"].category is Category.ONDERZOEK
    assert by_name["Pedagogische begeleidingsdienst"].category is Category.PROFESSIONALISERING
    assert [p.row for p in result.partners][:3] == [2, 3, 4]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize(
    "headers",
    [
        ("Partner", "Categorie", "Afstand", "Soort"),
        ("Name", "Category", "Distance", "Kind"),
        ("Label", "catégorie ", "AFSTAND", "Type"),
    ],
)
def test_dutch_and_english_headers_and_any_separator(
    sep: str, headers: tuple[str, str, str, str]
) -> None:
    """Headers in either language, in any case, with ; , or tab; with or without BOM."""
    result = parse_map(sheet(sep=sep, headers=headers, bom=sep == ","))
    assert isinstance(result, ImportedMap) and len(result.partners) == 60
    assert result.partners[1].category is Category.ZORG


def test_the_bots_own_export_reads_back() -> None:
    """The partners.csv of /export (Id, Label, Kind, Category, Distance, ...) is a valid sheet."""
    from core.merge import Node
    from core.teammap import TeamMap

    nodes = [
        Node(label="CLB", mentions=[], key="clb", kind=Kind.ORGANISATIE,
             category=Category.ZORG, distance=Distance.DICHTBIJ),
        Node(label="Ouderraad", mentions=[], key="ouderraad", kind=Kind.TEAM,
             category=Category.INTERN, distance=Distance.IN_DE_SCHOOL),
    ]  # fmt: skip
    exported = nodes_csv(TeamMap(nodes=nodes, suggestions=[], picks=[[], []]))
    result = parse_map(exported)
    assert isinstance(result, ImportedMap)
    assert [(p.name, p.category, p.distance, p.kind) for p in result.partners] == [
        ("CLB", Category.ZORG, Distance.DICHTBIJ, Kind.ORGANISATIE),
        ("Ouderraad", Category.INTERN, Distance.IN_DE_SCHOOL, Kind.TEAM),
    ]


def test_bad_rows_are_all_named_and_nothing_is_read() -> None:
    """A missing name, an unknown category, a distance of 7 and a name twice: four rows named
    with their spreadsheet row numbers, and no partner comes back."""
    rows = list(PARTNERS)
    rows[4] = ("", "zorg", "2", "Organisatie")  # row 6
    rows[9] = ("Speelotheek", "speelgoed", "2", "Organisatie")  # row 11
    rows[20] = ("Kunstacademie", "aanbod", "7", "Organisatie")  # row 22
    rows[30] = ("clb brussel", "zorg", "1", "Organisatie")  # row 32, CLB Brussel on row 2
    result = parse_map(sheet(rows))
    assert isinstance(result, ImportRefused)
    assert [(p.key, p.fields["row"]) for p in result.problems] == [
        ("import.row_no_name", 6),
        ("import.bad_category", 11),
        ("import.bad_distance", 22),
        ("import.row_duplicate", 32),
    ]
    assert result.problems[1].fields["value"] == "speelgoed"
    assert result.problems[3].fields["first"] == 2


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "import.empty"),
        (b"Partner;Categorie\r\n", "import.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "import.not_csv"),
        (b"Wie;Wat\r\nCLB;zorg\r\n", "import.no_name_column"),
        (b"x" * 1_000_001, "import.too_big"),
    ],
)
def test_files_that_are_no_partner_list(data: bytes, key: str) -> None:
    """An empty file, a picture, a sheet without a name column, a huge file: one reason."""
    result = parse_map(data)
    assert isinstance(result, ImportRefused) and result.problems[0].key == key


def test_more_partners_than_one_list_holds_are_refused() -> None:
    """More than 80 partners: refused as a whole, with the count."""
    rows = [(f"Partner {i}", "andere", "3", "") for i in range(81)]
    result = parse_map(sheet(rows))
    assert isinstance(result, ImportRefused)
    assert result.problems[0].key == "import.too_many"
    assert result.problems[0].fields == {"count": 81, "max": 80}


def test_windows_encoding_and_empty_rows() -> None:
    """A sheet saved as Windows-1252 with blank rows in between still reads."""
    text = "Naam;Categorie;Afstand\r\nCLB;Geïntegreerde zorg;1\r\n;;\r\nBibliotheek;aanbod;2\r\n"
    result = parse_map(text.encode("cp1252"))
    assert isinstance(result, ImportedMap)
    assert [p.name for p in result.partners] == ["CLB", "Bibliotheek"]
    assert result.partners[1].row == 4
