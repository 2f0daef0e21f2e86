"""The school's own free days as a facilitator types them: Dutch dates, ranges, calm refusals."""

from __future__ import annotations

from datetime import date

import pytest

from core.freedays import FreeDaysInput, parse_day, parse_free_days
from core.validation import Problem

TODAY = date(2026, 9, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-10", date(2026, 10, 14)),
        ("14/10/2026", date(2026, 10, 14)),
        ("14.10.26", date(2026, 10, 14)),
        ("2026-10-14", date(2026, 10, 14)),
        ("14 oktober", date(2026, 10, 14)),
        ("14 okt 2026", date(2026, 10, 14)),
        ("woensdag 14 oktober", date(2026, 10, 14)),
        ("Wo 14 Oktober 2026", date(2026, 10, 14)),
        ("3 maart", date(2027, 3, 3)),
        ("1-9", date(2027, 9, 1)),
    ],
)
def test_dutch_dates_are_read(text: str, expected: date) -> None:
    """Dates as Flemish people write them, a date without a year the next time it comes."""
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("32-10", "freeday.bad_date"),
        ("30-02-2027", "freeday.bad_date"),
        ("14 brumaire", "freeday.bad_date"),
        ("morgen", "freeday.bad_date"),
        ("1-9-2026", "freeday.past"),
        ("1-9-2031", "freeday.too_far"),
        ("", "freeday.bad_date"),
    ],
)
def test_unclear_dates_are_refused_with_a_reason(text: str, key: str) -> None:
    """An impossible, past or far-away date is a Problem naming what was typed."""
    result = parse_day(text, TODAY)
    assert isinstance(result, Problem) and result.key == key


def test_a_study_day_with_a_label() -> None:
    """'14-10 pedagogische studiedag' is one study day with that label."""
    result = parse_free_days("14-10 pedagogische studiedag", TODAY)
    assert result == FreeDaysInput((date(2026, 10, 14),), "studiedag", "pedagogische studiedag")


def test_a_range_of_free_days() -> None:
    """'12 maart tot 14 maart schoolreis' is three free days."""
    result = parse_free_days("12 maart tot 14 maart schoolreis", TODAY)
    assert isinstance(result, FreeDaysInput)
    assert result.days == (date(2027, 3, 12), date(2027, 3, 13), date(2027, 3, 14))
    assert (result.kind, result.label) == ("vrij", "schoolreis")
    assert parse_free_days("12/3 t.e.m. 13/3", TODAY) == FreeDaysInput(
        (date(2027, 3, 12), date(2027, 3, 13))
    )


def test_removing_a_day() -> None:
    """'weg 14-10' asks to take the day off the list."""
    assert parse_free_days("weg 14-10", TODAY) == FreeDaysInput((date(2026, 10, 14),), remove=True)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "freeday.usage"),
        ("weg", "freeday.usage"),
        ("14-11 tot 12-11", "freeday.backwards"),
        ("1-10 tot 30-11", "freeday.too_long"),
        ("volgende week", "freeday.bad_date"),
        ("14-10 tot later", "freeday.bad_date"),
    ],
)
def test_bad_requests_are_refused(text: str, key: str) -> None:
    """No days, backwards or overlong ranges and words that are no date are refused."""
    result = parse_free_days(text, TODAY)
    assert isinstance(result, Problem) and result.key == key
