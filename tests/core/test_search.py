"""Finding a partner by a typed name: parts, word starts, typos and other spellings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.merge import Mention, Node
from core.search import find_partners


def _node(label: str, *, aliases: tuple[str, ...] = (), named_by: int = 1) -> Node:
    mentions = [
        Mention(member_id=i, postit_id=i, text=label, role=None, kind=None, category=None,
                distance=None)
        for i in range(named_by)
    ]  # fmt: skip
    return Node(label=label, mentions=mentions, key=label.casefold(), aliases=list(aliases))


NODES = [
    _node("CLB Gent", named_by=3),
    _node("Pedagogische begeleidingsdienst", aliases=("PBD",)),
    _node("Ouderraad", named_by=2),
    _node("Bibliotheek"),
    _node("CLB Brugge"),
]


def test_a_word_or_the_start_of_a_name_finds_it() -> None:
    """'clb' fits both CLBs, the one named most first; a word inside a name fits too."""
    assert [n.label for n in find_partners("clb", NODES)][:2] == ["CLB Gent", "CLB Brugge"]
    assert find_partners("begeleidingsdienst", NODES)[0].label.startswith("Pedagogische")
    assert find_partners("bib", NODES)[0].label == "Bibliotheek"


def test_a_typo_or_another_spelling_finds_it() -> None:
    """'ouderaad' is Ouderraad; 'PBD' is how someone else wrote the begeleidingsdienst."""
    assert find_partners("ouderaad", NODES)[0].label == "Ouderraad"
    assert find_partners("pbd", NODES)[0].label == "Pedagogische begeleidingsdienst"


def test_nothing_like_it_finds_nothing() -> None:
    """A name that fits no partner, or only punctuation, gives no partners."""
    assert find_partners("zwembad", NODES) == []
    assert find_partners("  ?! ", NODES) == []


@given(st.text(max_size=200))
def test_any_text_gives_at_most_the_limit_of_known_partners(text: str) -> None:
    """Whatever is typed, the answer is a short list of partners that are on the map."""
    found = find_partners(text, NODES, limit=3)
    assert len(found) <= 3 and all(node in NODES for node in found)
