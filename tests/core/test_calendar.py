"""The school-year calendar: Flemish school holidays, public holidays and a team's own days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.calendar import FreeDay, SchoolCalendar, published

CAL = SchoolCalendar()


def _published_periods() -> list[tuple[str, date, date]]:
    return [(p["name"], p["start"], p["end"]) for p in published()["published_holidays"]]


@pytest.mark.parametrize(("name", "start", "end"), _published_periods())
def test_every_published_holiday_is_off_from_its_first_to_its_last_day(
    name: str, start: date, end: date
) -> None:
    """The days the Department published are holidays with that name, the days around are not."""
    day = start
    while day <= end:
        assert CAL.holiday_name(day) == name, day
        assert not CAL.is_school_day(day)
        day += timedelta(days=1)
    assert CAL.holiday_name(start - timedelta(days=1)) != name
    assert CAL.holiday_name(end + timedelta(days=1)) != name


@pytest.mark.parametrize(
    ("name", "day"), [(d["name"], d["day"]) for d in published()["published_days_off"]]
)
def test_single_days_off_are_holidays(name: str, day: date) -> None:
    """Wapenstilstand, 1 May, Ascension and the Friday after, Whit Monday: no school."""
    assert CAL.holiday_name(day) == name
    assert not CAL.is_school_day(day)


def test_the_data_file_names_its_sources() -> None:
    """The holiday pattern in the repository says where it comes from."""
    source = published()["source"]
    assert "17 april 1991" in source["rules"]
    assert source["published_url"].startswith("https://www.vlaanderen.be/onderwijs")
    assert set(published()["rules"]) >= {
        "herfstvakantie", "kerstvakantie", "krokusvakantie", "paasvakantie", "zomervakantie",
    }  # fmt: skip


def test_weekends_are_not_school_days_but_not_holidays() -> None:
    """A plain Saturday has no holiday name and is not a school day."""
    saturday = date(2026, 10, 10)
    assert CAL.holiday_name(saturday) is None
    assert not CAL.is_school_day(saturday)
    assert CAL.is_school_day(date(2026, 10, 9))


def test_next_school_day_skips_the_autumn_holiday_and_armistice() -> None:
    """From the autumn holiday of 2026 (2-8 Nov) the next school day is Monday 9 Nov."""
    assert CAL.holiday_name(date(2026, 11, 4)) == "Herfstvakantie"
    assert CAL.next_school_day(date(2026, 11, 4)) == date(2026, 11, 9)
    assert CAL.next_school_day(date(2026, 11, 11)) == date(2026, 11, 12)
    assert CAL.next_school_day(date(2026, 11, 12)) == date(2026, 11, 12)
    assert CAL.previous_school_day(date(2026, 11, 4)) == date(2026, 10, 30)


def test_add_school_days_counts_only_school_days() -> None:
    """Five school days from Friday 18 December 2026 end after the Christmas holiday."""
    assert CAL.add_school_days(date(2026, 12, 18), 5) == date(2027, 1, 8)
    assert CAL.add_school_days(date(2026, 12, 14), 2) == date(2026, 12, 16)
    assert CAL.add_school_days(date(2026, 12, 19), 0) == date(2027, 1, 4)
    assert CAL.school_days_between(date(2026, 12, 18), date(2027, 1, 8)) == 5


def test_the_teams_own_days_are_off_with_their_label() -> None:
    """A study day the facilitator added is no school day and is named as they named it."""
    study = date(2026, 10, 14)
    calendar = SchoolCalendar(extra=(FreeDay(study, "studiedag", "pedagogische studiedag"),))
    assert calendar.holiday_name(study) == "pedagogische studiedag"
    assert not calendar.is_school_day(study)
    assert CAL.is_school_day(study)
    assert calendar.next_school_day(study) == date(2026, 10, 15)


def test_the_school_year_starts_on_the_first_school_day_of_september() -> None:
    """2027-28 starts on Wednesday 1 September 2027; 2029-30 on Monday 3 September 2029."""
    assert CAL.school_year_start(2027) == date(2027, 9, 1)
    assert CAL.school_year_start(2029) == date(2029, 9, 3)
    assert CAL.school_year_of(date(2027, 8, 20)) == 2026
    assert CAL.school_year_of(date(2027, 9, 1)) == 2027


def test_periods_join_a_holiday_into_one_run() -> None:
    """The school year 2026-27 lists each holiday once, with its first and last day."""
    periods = CAL.periods(date(2026, 9, 1), date(2027, 6, 30))
    names = [p.name for p in periods]
    assert names.count("Kerstvakantie") == 1
    christmas = next(p for p in periods if p.name == "Kerstvakantie")
    assert (christmas.start, christmas.end) == (date(2026, 12, 21), date(2027, 1, 3))
    assert "Pasen" not in names  # a Sunday only
    assert "Wapenstilstand" in names


def test_english_names() -> None:
    """The English interface reads the holidays in English."""
    name = SchoolCalendar(language="en").holiday_name(date(2026, 11, 11))
    assert name is not None and name != "Wapenstilstand"
