"""Commitments in the core: Dutch dates as people type them, and when a check-in goes out."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.commitments import (
    Answer,
    Commitment,
    Status,
    after_answer,
    checkin_moment,
    date_choices,
    parse_date,
)
from core.schedule import ALWAYS, Window

BXL = ZoneInfo("Europe/Brussels")
TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15-01", date(2027, 1, 15)),
        ("15/1", date(2027, 1, 15)),
        ("15.01.27", date(2027, 1, 15)),
        ("15-01-2027", date(2027, 1, 15)),
        ("4 januari", date(2027, 1, 4)),
        ("4 jan", date(2027, 1, 4)),
        ("4 jan.", date(2027, 1, 4)),
        ("  18   December ", date(2026, 12, 18)),
        ("vrijdag 18 december", date(2026, 12, 18)),
        ("ma 4 januari 2027", date(2027, 1, 4)),
        ("1 maart", date(2027, 3, 1)),
        ("29-02", date(2028, 2, 29)),
        ("24 november", date(2026, 11, 24)),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: date) -> None:
    """Numeric and named Dutch dates; without a year, the next time the day comes."""
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "morgen", "23-11", "31-02", "32 januari", "15-13", "15-01-2020", "15-01-2031",
     "15 brumaire", "7d", "1-1-1"],
)  # fmt: skip
def test_unclear_past_or_far_dates_are_refused(typed: str) -> None:
    """Today, the past, more than two years ahead and what is no date at all: None."""
    assert parse_date(typed, TODAY) is None


def test_the_date_buttons_are_two_weeks_a_month_and_a_quarter_ahead() -> None:
    assert date_choices(TODAY) == [date(2026, 12, 7), date(2026, 12, 21), date(2027, 2, 22)]


def test_a_checkin_goes_out_in_the_morning_of_its_date_or_the_next_opening() -> None:
    """09:00 on a weekday; a Saturday's waits for Monday 08:00; 'altijd' sends on Saturday."""
    monday = checkin_moment(date(2026, 12, 7), Window(), BXL)
    assert monday == datetime(2026, 12, 7, 9, 0, tzinfo=BXL)
    saturday = checkin_moment(date(2026, 12, 12), Window(), BXL)
    assert saturday == datetime(2026, 12, 14, 8, 0, tzinfo=BXL)
    assert checkin_moment(date(2026, 12, 12), ALWAYS, BXL).astimezone(BXL).time() == time(9, 0)


def _commitment(postponed: int) -> Commitment:
    return Commitment(
        id=1, team_id=1, round_id=1, what="x", partner=None, owner_role=None,
        owner_user_id=None, owner_status="none", due_date="2026-12-07", status=Status.OPEN,
        postponed=postponed, note=None, note_by=None, created_by=1,
        created_at=datetime(2026, 11, 23, tzinfo=BXL), closed_at=None,
    )  # fmt: skip


def test_not_yet_asks_a_new_date_once() -> None:
    """The first 'nog niet' asks a date; the second keeps it running without asking."""
    assert after_answer(_commitment(0), Answer.NOT_YET) == (Status.OPEN, True)
    assert after_answer(_commitment(1), Answer.NOT_YET) == (Status.OPEN, False)
    assert after_answer(_commitment(1), Answer.DONE) == (Status.DONE, False)
    assert after_answer(_commitment(0), Answer.DROPPED) == (Status.DROPPED, False)
