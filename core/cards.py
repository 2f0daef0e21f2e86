"""The 13 reflection cards of 002 (PROTOCOL.md §4.7), grouped in three phases.

A card's first question is its main question; the others are aids ("hulpvragen") that support
the conversation and need no answer each. Question ids are the protocol's text keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One reflection card: its id (e.g. F2.VERB), phase and question ids in order."""

    id: str
    phase: int
    questions: tuple[str, ...]

    @property
    def main_question(self) -> str:
        """The question the card asks first."""
        return self.questions[0]

    @property
    def aids(self) -> tuple[str, ...]:
        """The sub-questions and example lines that help answering."""
        return self.questions[1:]


def _card(card_id: str, *suffixes: str) -> Card:
    return Card(card_id, int(card_id[1]), tuple(f"{card_id}.{s}" for s in suffixes))


CARDS: tuple[Card, ...] = (
    _card("F1.ACT", "1", "2", "3"),
    _card("F1.SOORT", "1", "2"),
    _card("F1.BEWEEG", "1", "1a", "2", "3", "4", "5", "6"),
    _card("F2.DOEL", "1", "2", "3", "4"),
    _card("F2.INBRENG", "1", "2", "3"),
    _card("F2.VERB", "1", "2", "3"),
    _card("F2.LEER", "1", "2", "3", "4"),
    _card("F2.GELEG", "1", "2", "3", "4"),
    _card("F2.TIJD", "1", "2"),
    _card("F2.LEID", "1", "2"),
    _card("F3.LER", "1", "1a", "2", "3"),
    _card("F3.LLN", "1", "1a", "2"),
    _card("F3.SCH", "1", "1a", "2", "3"),
)
PHASES = (1, 2, 3)
BY_ID = {card.id: card for card in CARDS}


def missing_phases(answered_cards: set[str]) -> list[int]:
    """The phases without an answered card ('minstens één item uit fase 1, 2 en 3')."""
    done = {BY_ID[c].phase for c in answered_cards if c in BY_ID}
    return [phase for phase in PHASES if phase not in done]
