"""The report names a role beside priority picks only when at least three participants share
it; the picks of a lone director or care coordinator count under the other functions."""

from __future__ import annotations

from core.merge import Mention, name_key
from core.model import Category, Distance, Role
from core.report import ReportData, Words, to_markdown
from core.teammap import build


def test_a_role_fewer_than_three_share_is_not_named_beside_the_picks() -> None:
    names = ["CLB", "Ouderraad", "Scholengemeenschap"]
    mentions = [
        Mention(i, 1, Role.LERAAR, name, None, Category.ZORG, Distance(1))
        for i, name in enumerate(names)
    ]
    picks = [
        (Role.LERAAR, name_key("CLB"), None),
        (Role.LERAAR, name_key("CLB"), None),
        (Role.LERAAR, name_key("Ouderraad"), None),
        (Role.DIRECTIE, name_key("Scholengemeenschap"), "Samen met collega-directeurs."),
    ]
    team_map = build(mentions, priorities=picks)
    words = Words({"report.other_roles": "andere functies", "role.leraar": "leraar",
                   "role.directie": "directie"})  # fmt: skip
    report = ReportData("De Linde", 1, "02-12-2026", [], team_map, b"",
                        shown_roles=frozenset({Role.LERAAR}))  # fmt: skip
    text = to_markdown(report, words)
    assert "leraar: CLB (2), Ouderraad (1)" in text
    assert "andere functies: Scholengemeenschap (1)" in text
    assert "directie" not in text
    # Without the rule (an old caller), every role is named as before.
    named = to_markdown(ReportData("De Linde", 1, "02-12-2026", [], team_map, b""), words)
    assert "directie: Scholengemeenschap (1)" in named
