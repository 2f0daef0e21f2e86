"""The school-year calendar: which days a Flemish school team is at school (no Telegram).

A day is a *school day* when it is a weekday (Monday to Friday), not a Belgian public holiday,
not in one of the Flemish school holidays, and not one of the team's own free days or study
days. Nothing planned reaches people on a day that is not a school day (core/schedule.py
Window), and terms are counted in school days where that reads naturally.

Where the days come from (core/data/school_calendar.toml names the sources and the rules):

* Belgian public holidays and the Flemish Community's school holidays: the maintained
  `holidays` library (vacanza/holidays, country "BE", subdivision "Flemish", categories public
  and school). It implements the Besluit van de Vlaamse Regering van 17 april 1991 (art. 4-5:
  herfst-, kerst-, krokus-, paas- and zomervakantie) and of 31 augustus 2001 (art. 7: the Friday
  after Ascension). tests/core/test_calendar.py checks it against the dates the Department of
  Education published (in the data file).
* The team's own free days and study days: FreeDay rows the facilitator adds (/vrijedag).

The public API that other parts of the bot use:

    calendar = SchoolCalendar(extra=(FreeDay(date(2026, 10, 14), "studiedag"),))
    calendar.is_school_day(day)        # False on weekends, holidays and the team's free days
    calendar.next_school_day(day)      # the day itself when it is a school day, else the next
    calendar.add_school_days(day, n)   # n school days after day (day itself not counted)
    calendar.holiday_name(day)         # "Herfstvakantie", "Wapenstilstand", the team's label
    calendar.school_year_start(year)   # the first school day of the school year year-(year+1)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import holidays

# The days off a team adds itself: a free day for the whole school, or a study day (the
# team is in training, no pupils, and nobody reads a reminder).
FREE_KINDS = ("vrij", "studiedag")

# Further than this a free day is a typing mistake, and a search for a school day gives up.
MAX_SEARCH_DAYS = 400

_LANGUAGES = {"nl": "nl", "en": "en_US"}


@dataclass(frozen=True)
class FreeDay:
    """One of the team's own days off: a date, its kind (FREE_KINDS) and an optional label."""

    day: date
    kind: str = "vrij"
    label: str = ""


@dataclass(frozen=True)
class Period:
    """A run of consecutive days off with one name (a school holiday, or a single day)."""

    start: date
    end: date
    name: str


@lru_cache(maxsize=64)
def _official(year: int, language: str) -> dict[date, str]:
    """The Belgian public holidays and Flemish school holidays of one calendar year."""
    table = holidays.country_holidays(
        "BE",
        subdiv="Flemish",
        years=year,
        categories=("public", "school"),
        language=_LANGUAGES.get(language, "nl"),
    )
    return {day: _first_name(name) for day, name in table.items()}


def _first_name(name: str) -> str:
    """One name per day: the school holiday when a public holiday falls in it ("Kerstvakantie"
    rather than "Kerstmis; Kerstvakantie"), else the public holiday."""
    parts = [part.strip() for part in name.split(";")]
    for part in parts:
        if part.endswith("vakantie") or part.lower().endswith("break"):
            return part
    return parts[0]


@dataclass(frozen=True)
class SchoolCalendar:
    """Which days are school days for one team: official holidays plus the team's own days."""

    extra: tuple[FreeDay, ...] = ()
    language: str = "nl"
    _own: dict[date, FreeDay] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_own", {free.day: free for free in self.extra})

    def __hash__(self) -> int:
        return hash((self.extra, self.language))

    # -- single days -----------------------------------------------------------------------

    def holiday_name(self, day: date) -> str | None:
        """Why the day is off (the team's label, the school holiday or public holiday), or None
        on a day that is not a holiday (weekends are not holidays)."""
        own = self._own.get(day)
        if own is not None:
            return own.label or own.kind
        return _official(day.year, self.language).get(day)

    def is_holiday(self, day: date) -> bool:
        """True on a public holiday, in a school holiday, or on one of the team's free days."""
        return self.holiday_name(day) is not None

    def is_school_day(self, day: date) -> bool:
        """True on a weekday that is not a holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    # -- walking ---------------------------------------------------------------------------

    def next_school_day(self, day: date) -> date:
        """The day itself when it is a school day, else the first school day after it."""
        for offset in range(MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_school_day(candidate):
                return candidate
        raise ValueError("no school day within a year")

    def previous_school_day(self, day: date) -> date:
        """The day itself when it is a school day, else the last school day before it."""
        for offset in range(MAX_SEARCH_DAYS):
            candidate = day - timedelta(days=offset)
            if self.is_school_day(candidate):
                return candidate
        raise ValueError("no school day within a year")

    def add_school_days(self, day: date, n: int) -> date:
        """The n-th school day after day (day itself not counted); n=0 is next_school_day."""
        if n <= 0:
            return self.next_school_day(day)
        current = day
        for _ in range(n):
            current = self.next_school_day(current + timedelta(days=1))
        return current

    def school_days_between(self, start: date, end: date) -> int:
        """How many school days lie after start, up to and including end."""
        count = 0
        current = start + timedelta(days=1)
        while current <= end:
            count += self.is_school_day(current)
            current += timedelta(days=1)
        return count

    # -- the school year -------------------------------------------------------------------

    def school_year_start(self, year: int) -> date:
        """The first school day of the school year that begins in September of year."""
        return self.next_school_day(date(year, 9, 1))

    def school_year_of(self, day: date) -> int:
        """The calendar year in which the school year holding this day began (a day in the
        summer holiday belongs to the school year that ends with it)."""
        return day.year if day >= date(day.year, 9, 1) else day.year - 1

    def periods(self, start: date, end: date) -> list[Period]:
        """The days off between start and end (inclusive), consecutive days with one name
        joined; a day off that falls in a weekend only (Pasen, Pinksteren) is left out."""
        found: list[Period] = []
        current = start
        while current <= end:
            name = self.holiday_name(current)
            last = current
            while last < end and name is not None and self.holiday_name(last + _DAY) == name:
                last += _DAY
            weekend_only = all(
                (current + timedelta(days=i)).weekday() >= 5
                for i in range((last - current).days + 1)
            )
            if name is not None and not weekend_only:
                found.append(Period(current, last, name))
            current = last + _DAY
        return found


_DAY = timedelta(days=1)


@lru_cache(maxsize=1)
def published() -> dict[str, Any]:
    """The data file: the sources, the rules in words and the published dates (for checking)."""
    text = resources.files("core").joinpath("data/school_calendar.toml").read_text("utf-8")
    return tomllib.loads(text)
