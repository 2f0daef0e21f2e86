"""Merging the members' post-its: variants of one partner meet, distinct partners never do."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.merge import Mention, merge, merged_distance, name_key
from core.model import Category, Distance, Kind, Role


def _merge(*names: str) -> list[list[str]]:
    mentions = [Mention(i, i, Role.LERAAR, name) for i, name in enumerate(names)]
    return sorted(sorted(node.aliases) for node in merge(mentions).nodes)


@pytest.mark.parametrize(
    "variants",
    [
        ("CLB", "clb", "C.L.B.", "het CLB", "Centrum voor Leerlingenbegeleiding"),
        ("CGG", "Centrum voor Geestelijke Gezondheidszorg"),
        ("LOP", "Lokaal Overlegplatform", "lokaal overleg platform"),
        ("PBD", "Pedagogische begeleidingsdienst", "pedagogische begeleidings-dienst"),
        ("Pedagogische begeleidingsdienst", "Pedagogische begeleidingdienst"),
        ("ouders", "Ouders", "de ouders"),
        ("logopedist", "logopedisten"),
        ("Scholengemeenschap", "de scholengemeenschap", "Scholengemeenschap!"),
        ("Ondersteuningsnetwerk", "'t ondersteuningsnetwerk", "ondersteuningsnetwerken"),
        ("Geïntegreerde werking", "geintegreerde werking"),
        ("Hogeschool Gent", "hogeschool  gent"),
        ("Stad Antwerpen", "Stad Antwerpn"),
        ("vrijwilligers", "vrijwilliger"),
        ("scholen", "school"),
        # Plurals agree whatever the ending (Snowball's Dutch stemmer, made consistent).
        ("Huisarts", "huisartsen"),
        ("bedrijf", "bedrijven"),
        ("Collega's", "collega"),
        ("Gezin", "gezinnen"),
        ("Stageplaats", "stageplaatsen"),
        ("Leraar", "leraren"),
        # Common Flemish short forms and their full names (core/data/short_forms.toml).
        ("HoGent", "Hogeschool Gent", "hogeschool  gent"),
        ("Artevelde", "Arteveldehogeschool", "Artevelde Hogeschool"),
        ("bib", "Bibliotheek", "de bib", "bibliotheek"),
        ("UGent", "Universiteit Gent"),
        ("Chiro", "Chirojeugd"),
        ("Inspectie", "Onderwijsinspectie"),
        ("KU Leuven", "Katholieke Universiteit Leuven"),
    ],
)
def test_variants_of_one_partner_are_merged(variants: tuple[str, ...]) -> None:
    """Case, spacing, punctuation, accents, articles, plural, typo and abbreviation merge."""
    assert _merge(*variants) == [sorted(variants)]


@pytest.mark.parametrize(
    "distinct",
    [
        ("CLB", "CLW"),
        ("ouders", "ouderraad"),
        ("Hogeschool Gent", "Universiteit Gent"),
        ("basisschool 1", "basisschool 2"),
        ("CLB", "CGG"),
        ("Academie", "Akademie voor Beeldende Kunsten"),
        ("CLB", "CLB Gent"),
        ("Stad Gent", "Stad Genk"),
        ("VCLB", "CLB"),
        # One name contained in the other is asked, never merged without asking.
        ("Bibliotheek", "Bibliotheek Zuid"),
        ("bib", "Bibliotheek Zuid"),
        ("Chiro", "Jeugdbeweging Chiro"),
        ("Brandweer", "brandweer Gent"),
        ("voetbalclub", "Voetbalclub KFC Eendracht"),
        ("Academie", "Muziekacademie"),
        ("Politie", "Wijkagent"),
        # A stem never joins two words of different meaning.
        ("Begeleiding", "Beleid"),
        ("Gemeente", "Gemeenteraad"),
        ("HoGent", "UGent"),
        ("Hogeschool Gent", "Arteveldehogeschool"),
        ("Huisarts", "Huisartsenpraktijk"),
    ],
)
def test_distinct_partners_are_never_merged(distinct: tuple[str, ...]) -> None:
    """Different partners stay apart, however alike their names look."""
    assert _merge(*distinct) == sorted([name] for name in distinct)


@pytest.mark.parametrize(
    "pair",
    [
        ("CLB", "CLB Gent"),
        ("Chiro", "Jeugdbeweging Chiro"),
        ("Brandweer", "brandweer Gent"),
        ("voetbalclub", "Voetbalclub KFC Eendracht"),
        ("Bibliotheek", "Bibliotheek Zuid"),
        ("bib", "Bibliotheek Zuid"),
        ("Academie", "Muziekacademie"),
        ("VCLB", "CLB"),
        ("Politie", "Wijkagent"),
        ("Kinderopvang", "Kinderopvang 't Vlindertje"),
        ("Stad Gent", "Stad Genk"),
    ],
)
def test_contained_and_short_names_are_suggested(pair: tuple[str, str]) -> None:
    """A one-word name inside a longer one, the head of a compound, and a short form that is
    usually (not always) the same partner: the principal is asked."""
    result = merge([Mention(1, 1, Role.LERAAR, pair[0]), Mention(2, 2, Role.DIRECTIE, pair[1])])
    assert len(result.nodes) == 2
    assert len(result.suggestions) == 1


@pytest.mark.parametrize(
    "pair",
    [("ouders", "leerlingen"), ("basisschool 1", "basisschool 2 Gent"), ("School", "Scholen"),
     ("Sport", "Sportdienst")],
)  # fmt: skip
def test_unrelated_names_are_not_suggested(pair: tuple[str, str]) -> None:
    """Names that merely share letters are not asked about (a short word inside a compound,
    other numbers); the same name in two forms is merged instead."""
    result = merge([Mention(1, 1, Role.LERAAR, pair[0]), Mention(2, 2, Role.DIRECTIE, pair[1])])
    assert result.suggestions == []


# A team's lists as written: each inner list is ONE partner in the spellings members used;
# RELATED pairs are short forms and contained names that must be merged or asked about.
REALISTIC = [
    ["CLB", "C.L.B.", "het CLB", "Centrum voor Leerlingenbegeleiding", "clb"],
    ["VCLB", "Vrij Centrum voor Leerlingenbegeleiding"],
    ["CLB Gent"],
    ["bib", "Bibliotheek", "bibliotheek", "de bib"],
    ["Bibliotheek Zuid"],
    ["HoGent", "Hogeschool Gent"],
    ["Artevelde", "Arteveldehogeschool"],
    ["UGent", "Universiteit Gent"],
    ["Chiro"],
    ["Jeugdbeweging Chiro"],
    ["Brandweer", "brandweer"],
    ["brandweer Gent"],
    ["voetbalclub"],
    ["Voetbalclub KFC Eendracht"],
    ["Huisarts", "huisartsen", "Huisartsen"],
    ["Huisartsenpraktijk Lindenhof"],
    ["Pedagogische begeleidingsdienst", "Pedagogische begeleidingdienst", "PBD",
     "pedagogische begeleidings-dienst"],
    ["ouders", "Ouders", "de ouders"],
    ["Ouderraad"],
    ["Stagiairs", "stagiairs", "stagiair"],
    ["Logopedist", "logopedisten"],
    ["Stad Gent"],
    ["Stad Genk"],
    ["Academie"],
    ["Muziekacademie"],
    ["Kinderopvang 't Vlindertje", "Kinderopvang t Vlindertje"],
    ["Scholengemeenschap", "scholengemeenschap"],
    ["Scholengroep"],
    ["basisschool 1"],
    ["basisschool 2"],
    ["Politie"],
    ["Wijkagent"],
    ["Begeleiding"],
    ["Beleid"],
    ["Natuurpunt"],
    ["Welzijnsschakel"],
]  # fmt: skip
RELATED = [
    ("VCLB", "CLB"), ("CLB", "CLB Gent"), ("bib", "Bibliotheek Zuid"),
    ("Chiro", "Jeugdbeweging Chiro"), ("Brandweer", "brandweer Gent"),
    ("voetbalclub", "Voetbalclub KFC Eendracht"),
    ("Academie", "Muziekacademie"), ("Politie", "Wijkagent"), ("Stad Gent", "Stad Genk"),
]  # fmt: skip


@pytest.mark.parametrize("seed", range(5))
def test_a_realistic_team_list_is_merged_the_way_a_person_would(seed: int) -> None:
    """Ten members each wrote part of the list: every partner's spellings end up in one node,
    no node holds two partners, and every short form and contained name is merged or asked."""
    rnd = random.Random(seed)
    written = [(name, group) for group, names in enumerate(REALISTIC) for name in names]
    rnd.shuffle(written)
    mentions = [Mention(i, i % 10, Role.LERAAR, name) for i, (name, _) in enumerate(written)]
    result = merge(mentions)
    group_of = dict(written)
    for node in result.nodes:
        assert len({group_of[alias] for alias in node.aliases}) == 1, node.aliases
    assert len(result.nodes) == len(REALISTIC)
    node_of = {alias: i for i, node in enumerate(result.nodes) for alias in node.aliases}
    asked = {frozenset(pair) for pair in result.suggestions}
    for a, b in RELATED:
        assert frozenset((node_of[a], node_of[b])) in asked, (a, b)
    # And nothing else is asked than what a person would ask about.
    assert len(asked) <= len(RELATED) + 3


@pytest.mark.parametrize(
    ("written", "label"),
    [
        # The demo: two spellings of the right name against a one-off typo.
        (["Pedagogische begeleidingdienst", "Pedagogische begeleidingsdienst",
          "Pedagogische Begeleidingsdienst"], "Pedagogische begeleidingsdienst"),
        (["Pedagogische begeleidingdienst", "Pedagogische begeleidingsdienst"],
         "Pedagogische begeleidingsdienst"),
        (["bib", "bib", "Bibliotheek"], "Bib"),
        (["stagiairs", "Stagiairs", "stagiair"], "Stagiairs"),
        (["huisartsen", "Huisarts"], "Huisarts"),
        (["logopedisten", "Logopedist"], "Logopedist"),
        (["clb", "Centrum voor Leerlingenbegeleiding", "C.L.B."], "CLB"),
        (["hogent", "Hogeschool Gent", "hogeschool gent"], "Hogeschool Gent"),
        (["de ouders", "ouders", "Ouders"], "Ouders"),
    ],
)  # fmt: skip
def test_the_label_is_the_commonest_spelling_with_a_capital(written: list[str], label: str) -> None:
    """Counted without case, accents and punctuation; on a tie the known full name, the singular
    and the correct spelling win; the first letter is a capital."""
    mentions = [Mention(i, i, Role.LERAAR, name) for i, name in enumerate(written)]
    (node,) = merge(mentions).nodes
    assert node.label == label


def test_similar_names_become_suggestions() -> None:
    """'CLB' and 'CLB Gent' are not merged but offered to the principal."""
    result = merge([Mention(1, 1, Role.LERAAR, "CLB"), Mention(2, 2, Role.DIRECTIE, "CLB Gent")])
    assert len(result.nodes) == 2
    (pair,) = result.suggestions
    assert {result.nodes[i].label for i in pair} == {"CLB", "CLB Gent"}


def test_kept_apart_pairs_are_not_suggested_again() -> None:
    """Once the principal keeps two nodes apart, that pair is not suggested again."""
    mentions = [Mention(1, 1, Role.LERAAR, "CLB"), Mention(2, 2, Role.DIRECTIE, "CLB Gent")]
    keys = (name_key("CLB"), name_key("CLB Gent"))
    assert merge(mentions, kept_apart=[keys]).suggestions == []


def test_node_fields_follow_the_protocol() -> None:
    """Label, majority kind/category, median distance toward the school, disputed, roles."""
    mentions = [
        Mention(1, 1, Role.LERAAR, "Centrum voor Leerlingenbegeleiding", Kind.ORGANISATIE,
                Category.ZORG, Distance.DICHTBIJ),
        Mention(2, 2, Role.LERAAR, "clb", Kind.ORGANISATIE, Category.ZORG, Distance.VERAF),
        Mention(3, 3, Role.DIRECTIE, "CLB", Kind.TEAM, Category.BELEID, Distance.TUSSENIN),
        Mention(4, 4, Role.ZORG, "CLB", None, None, Distance.TUSSENIN),
    ]  # fmt: skip
    (node,) = merge(mentions).nodes
    assert node.label == "CLB"
    assert node.kind is Kind.ORGANISATIE
    assert node.category is Category.ZORG and node.category_tie == ()
    assert node.distance is Distance.TUSSENIN
    assert node.disputed
    assert node.mention_count == 4
    assert node.roles == {Role.LERAAR: 2, Role.DIRECTIE: 1, Role.ZORG: 1}


def test_a_category_tie_is_reported() -> None:
    """When members split evenly on the category, the tie is kept for the principal."""
    mentions = [
        Mention(1, 1, Role.LERAAR, "ouders", category=Category.ZORG),
        Mention(2, 2, Role.LERAAR, "Ouders", category=Category.AANBOD),
    ]
    (node,) = merge(mentions).nodes
    assert set(node.category_tie) == {Category.ZORG, Category.AANBOD}


@pytest.mark.parametrize(
    ("placements", "expected", "disputed"),
    [
        ([1], Distance.DICHTBIJ, False),
        ([1, 2], Distance.DICHTBIJ, False),
        ([1, 3], Distance.DICHTBIJ, True),
        ([0, 2, 4, 4], Distance.TUSSENIN, True),
        ([None, 3], Distance.VERAF, False),
        ([None], None, False),
    ],
)
def test_distance_is_the_median_rounded_toward_the_school(
    placements: list[int | None], expected: Distance | None, disputed: bool
) -> None:
    """Even counts take the closer middle value; a span of two steps or more is disputed."""
    values = [Distance(p) if p is not None else None for p in placements]
    assert merged_distance(values) == (expected, disputed)


NAMES = st.sampled_from(
    ["CLB", "clb", "ouders", "Ouders", "ouderraad", "CGG", "basisschool 1", "basisschool 2",
     "Hogeschool Gent", "Universiteit Gent", "Stad Gent", "bibliotheek", "Bibliotheek!",
     "Academie", "logopedist", "logopedisten", "Centrum voor Leerlingenbegeleiding"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, st.integers(1, 8)), max_size=40), st.randoms())
def test_no_post_it_is_lost_and_order_does_not_matter(
    items: list[tuple[str, int]], rnd: random.Random
) -> None:
    """Every post-it lands in exactly one node, whatever order the post-its come in."""
    mentions = [Mention(i, member, Role.LERAAR, name) for i, (name, member) in enumerate(items)]
    result = merge(mentions)
    placed = sorted(m.postit_id for node in result.nodes for m in node.mentions)
    assert placed == list(range(len(items)))
    shuffled = list(mentions)
    rnd.shuffle(shuffled)
    again = merge(shuffled)
    assert [(n.label, n.aliases) for n in again.nodes] == [
        (n.label, n.aliases) for n in result.nodes
    ]


def test_the_principal_can_join_what_the_bot_kept_apart() -> None:
    """A merge decision joins two nodes; the node knows all its name keys."""
    mentions = [Mention(1, 1, Role.LERAAR, "CLB"), Mention(2, 2, Role.DIRECTIE, "CLB Gent")]
    result = merge(mentions, joined=[(name_key("CLB"), name_key("CLB Gent"))])
    (node,) = result.nodes
    assert node.label == "CLB"
    assert node.keys == {name_key("CLB"), name_key("CLB Gent")}
    assert result.suggestions == []


def test_every_row_of_the_short_form_table_does_what_it_says() -> None:
    """core/data/short_forms.toml: `full` names merge with their short form, `ask` names are
    asked about, never merged; abbreviations and short forms never claim the same name."""
    import tomllib
    from importlib import resources

    raw = resources.files("core").joinpath("data/short_forms.toml").read_text(encoding="utf-8")
    table = tomllib.loads(raw)
    assert table
    for short, entry in table.items():
        assert entry.get("full") or entry.get("ask"), short
        full = [short, *entry.get("full", [])]
        assert len({name_key(name) for name in full}) == 1, short
        for name in entry.get("ask", []):
            result = merge([Mention(1, 1, Role.LERAAR, short), Mention(2, 2, Role.ZORG, name)])
            assert len(result.nodes) == 2 and len(result.suggestions) == 1, (short, name)
