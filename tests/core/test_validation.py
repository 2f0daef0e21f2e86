"""Cleaning what people type: partner names, answers and names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.validation import (
    MAX_ANSWER,
    MAX_PARTNER_NAME,
    Problem,
    clean_answer,
    clean_partner_name,
    normalise_key,
    split_partner_lines,
    tidy,
)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "err.empty"),
        ("   \n\t ", "err.empty"),
        ("🙂🙂🙂", "err.no_words"),
        ("!!! ???", "err.no_words"),
        ("x" * (MAX_PARTNER_NAME + 1), "err.partner_too_long"),
        ("a" * 5000, "err.partner_too_long"),
    ],
)
def test_bad_partner_names_get_a_problem(typed: str, key: str) -> None:
    """Empty, emoji-only and over-long names are refused with a prompt key, not stored."""
    result = clean_partner_name(typed)
    assert isinstance(result, Problem)
    assert result.key == key


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("  CLB  ", "CLB"),
        ("Centrum  voor\u200b Leerlingenbegeleiding", "Centrum voor Leerlingenbegeleiding"),
        ("<b>ouders</b> & co", "<b>ouders</b> & co"),
        ("Geïntegreerde zorg 🙂", "Geïntegreerde zorg 🙂"),
        ("e\u0301cole", "école"),
    ],
)
def test_partner_names_are_tidied_not_rewritten(typed: str, clean: str) -> None:
    """Spacing and invisible characters go; what the person wrote (HTML too) stays as typed."""
    assert clean_partner_name(typed) == clean


def test_normalise_key_ignores_case_accents_and_punctuation() -> None:
    """'De C.L.B.' and 'de c l b' count as the same post-it within one list."""
    assert normalise_key("Geïntegreerde  Zorg!") == normalise_key("geintegreerde zorg")
    assert normalise_key("CLB") != normalise_key("CLW")


def test_pasted_list_splits_into_lines() -> None:
    """A pasted bullet list becomes one partner per line."""
    assert split_partner_lines("- CLB\n• ouders\n\n3) CGG\n") == ["CLB", "ouders", "CGG"]


def test_answers_keep_line_breaks_and_respect_the_total() -> None:
    """Answers keep their lines; an answer that would grow past the limit is refused."""
    assert clean_answer("Eerst dit.\n\n  Dan dat. ") == "Eerst dit.\nDan dat."
    assert isinstance(clean_answer("x" * 10, already=MAX_ANSWER - 5), Problem)


@given(st.text())
def test_tidy_never_fails_and_is_idempotent(text: str) -> None:
    """Any Unicode input is tidied without error, and tidying twice changes nothing."""
    once = tidy(text)
    assert tidy(once) == once


@given(st.text())
def test_clean_partner_name_returns_short_text_or_problem(text: str) -> None:
    """Whatever is typed, the result is a valid post-it text or a Problem."""
    result = clean_partner_name(text)
    if not isinstance(result, Problem):
        assert 0 < len(result) <= MAX_PARTNER_NAME
        assert result == result.strip()
