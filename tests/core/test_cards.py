"""The reflection cards match the protocol: 3 + 7 + 3 cards, every question text exists."""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.cards import CARDS, PHASES, missing_phases

ROOT = Path(__file__).resolve().parents[2]


def test_thirteen_cards_in_three_phases() -> None:
    """Fase 1 has 3 cards, Fase 2 has 7, Fase 3 has 3 (PROTOCOL §4.7)."""
    counts = [sum(1 for c in CARDS if c.phase == phase) for phase in PHASES]
    assert counts == [3, 7, 3]


def test_every_card_question_is_a_protocol_text_and_none_is_left_out() -> None:
    """Each question id is in protocol_nl.toml, and every F*.* text belongs to a card."""
    protocol = tomllib.loads((ROOT / "prompts" / "protocol_nl.toml").read_text(encoding="utf-8"))
    used = [q for card in CARDS for q in card.questions]
    assert all(q in protocol for q in used)
    assert sorted(used) == sorted(k for k in protocol if k[:1] == "F" and k[1].isdigit())


def test_at_least_one_card_per_phase() -> None:
    """The rule 'minstens één item uit fase 1, 2 en 3'."""
    assert missing_phases(set()) == [1, 2, 3]
    assert missing_phases({"F1.ACT", "F3.SCH"}) == [2]
    assert missing_phases({"F1.ACT", "F2.VERB", "F3.SCH"}) == []
