"""Agreed next steps (afspraken): what, for which partner, who, by when, and the check-in.

Telegram-free. A commitment is made by the facilitator at the end of step 4; on its date its
owner (or the facilitator, when the owner is a role or no longer reachable) gets ONE private
check-in: gebeurd / nog niet / niet meer nodig. "Nog niet" asks for a new date once.

The moment of a check-in is decided in one place, `checkin_moment`, so the school-year
calendar (holidays, study days) can be plugged in there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.schedule import MAX_YEARS_AHEAD, Window


class Status(StrEnum):
    """Where a commitment is."""

    DRAFT = "draft"  # the facilitator is still making it
    OPEN = "open"  # running: "3 afspraken lopen"
    DONE = "done"  # the check-in said "gebeurd"
    DROPPED = "dropped"  # the check-in said "niet meer nodig"


class Answer(StrEnum):
    """The three answers of a check-in."""

    DONE = "done"
    NOT_YET = "notyet"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Commitment:
    """One agreed next step (a row of `commitments`)."""

    id: int
    team_id: int
    round_id: int
    what: str
    partner: str | None
    owner_role: str | None
    owner_user_id: int | None
    owner_status: str
    due_date: str | None
    status: Status
    postponed: int
    note: str | None
    note_by: int | None
    created_by: int | None
    created_at: datetime
    closed_at: datetime | None

    @property
    def due(self) -> date | None:
        """The date it is due, if one was chosen."""
        return date.fromisoformat(self.due_date) if self.due_date else None

    @property
    def running(self) -> bool:
        """True while it counts in "n afspraken lopen"."""
        return self.status is Status.OPEN


@dataclass(frozen=True)
class Checkin:
    """The check-in of one commitment on one date (a row of `commitment_checkins`)."""

    id: int
    commitment_id: int
    due_date: str
    chat_id: int
    sent_at: datetime
    answer: str | None
    answered_at: datetime | None


# A new date may be asked after "nog niet" this many times; then the commitment keeps running
# without another check-in (the yearly update takes it up).
MAX_POSTPONE = 1
# At most this many commitments per round: "a few" (the team's real next steps, not a plan).
MAX_PER_ROUND = 8
MAX_WHAT = 200
# The check-in goes out in the morning of the date, when people read their messages.
CHECKIN_TIME = time(9, 0)

# The date buttons: in two weeks, a month, three months.
CHOICES = (timedelta(weeks=2), timedelta(weeks=4), timedelta(weeks=13))


def date_choices(today: date) -> list[date]:
    """The dates offered as buttons, from today."""
    return [today + delta for delta in CHOICES]


def checkin_moment(due: date, window: Window, tz: ZoneInfo) -> datetime:
    """When the check-in of a commitment due on this date goes out: the morning of the date,
    or the next moment the team's sending window opens (a Saturday's goes on Monday).

    The one place to plug the school-year calendar in (no check-in in a holiday)."""
    moment = datetime.combine(due, CHECKIN_TIME, tzinfo=tz)
    return window.next_open(moment, tz)


_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "maart": 3, "mrt": 3, "maa": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2}|\d{4}))?$")
_NAMED = re.compile(r"^(\d{1,2})\s*([a-z]+)\.?(?:\s+(\d{2}|\d{4}))?$")
_WEEKDAY_PREFIX = re.compile(
    r"^(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)\.?,?\s+"
)


def parse_date(text: str, today: date) -> date | None:
    """A date as people type it in Flanders: 15-01, 15/1/2027, 15.01.27, 15 januari,
    15 jan 2027, vrijdag 15 januari. Without a year: the next time that day comes (today's
    date is refused, not moved a year on). None when unclear, not after today, or more than
    two years ahead."""
    cleaned = " ".join(text.strip().casefold().split())
    cleaned = _WEEKDAY_PREFIX.sub("", cleaned)
    day_: int
    month: int
    year_text: str | None
    match = _NUMERIC.match(cleaned)
    if match:
        day_, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    else:
        named = _NAMED.match(cleaned)
        if not named or named.group(2) not in _MONTHS:
            return None
        day_, month, year_text = int(named.group(1)), _MONTHS[named.group(2)], named.group(3)
    if year_text is not None:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        years: list[int] = [year]
    else:
        years = list(range(today.year, today.year + MAX_YEARS_AHEAD + 1))
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, day_)
        except ValueError:
            continue
        if candidate == today:
            return None  # today is no date to check in on (and not meant as next year)
        if candidate > today and candidate.year <= today.year + MAX_YEARS_AHEAD:
            return candidate
        if year_text is not None:
            return None
    return None


def clean_what(text: str) -> str | None:
    """The commitment's text in one line, or None when empty or too long."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_WHAT:
        return None
    return cleaned


def running_count(commitments: list[Commitment]) -> int:
    """How many commitments run ("3 afspraken lopen")."""
    return sum(1 for c in commitments if c.running)


def after_answer(commitment: Commitment, answer: Answer) -> tuple[Status, bool]:
    """The commitment's status after a check-in's answer, and whether a new date is asked."""
    if answer is Answer.DONE:
        return Status.DONE, False
    if answer is Answer.DROPPED:
        return Status.DROPPED, False
    return Status.OPEN, commitment.postponed < MAX_POSTPONE
