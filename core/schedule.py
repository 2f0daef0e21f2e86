"""Date arithmetic for deadlines, reminders and quiet hours, on an injected clock (no Telegram).

Messages to people go out on weekdays between 08:00 and 20:00 in the team's time zone (unless
the principal chose otherwise), and never on a school holiday, a public holiday or one of the
team's own free days (the window's SchoolCalendar, core/calendar.py); anything due outside that
window waits for the next opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.calendar import SchoolCalendar

# How far the window looks for an open day: a summer holiday and the weekends around it.
SEARCH_DAYS = 80


@dataclass(frozen=True)
class Window:
    """When messages to people may be sent: weekdays (Mon=0), a daily start and end, and the
    school calendar whose holidays are closed (None: no holidays, every listed weekday opens)."""

    start: time = time(8, 0)
    end: time = time(20, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    calendar: SchoolCalendar | None = None

    def open_day(self, day: date) -> bool:
        """True when the window opens at all on this date (a listed weekday, no holiday)."""
        if day.weekday() not in self.weekdays:
            return False
        return self.calendar is None or not self.calendar.is_holiday(day)

    def with_calendar(self, calendar: SchoolCalendar | None) -> Window:
        """The same hours and days, closed on the calendar's holidays."""
        return replace(self, calendar=calendar)

    def allows(self, moment: datetime, tz: ZoneInfo) -> bool:
        """True when a message may go out at this moment."""
        local = moment.astimezone(tz)
        return self.open_day(local.date()) and self.start <= local.time() < self.end

    def allows_due(self, moment: datetime, tz: ZoneInfo) -> bool:
        """True when something due at this moment falls in the window, its end included (a
        deadline "tot 20:00" belongs to the day it ends)."""
        local = moment.astimezone(tz)
        return self.open_day(local.date()) and self.start <= local.time() <= self.end

    def last_close(self, moment: datetime, tz: ZoneInfo) -> datetime | None:
        """The latest end of the window at or before this moment, within a week."""
        local = moment.astimezone(tz)
        day = local.date()
        for _ in range(8):
            if self.open_day(day):
                closing = datetime.combine(day, self.end, tzinfo=tz)
                if closing <= local:
                    return closing.astimezone(moment.tzinfo or tz)
            day -= timedelta(days=1)
        return None

    def next_open(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The moment itself when allowed, else the next opening of the window (aware, UTC)."""
        if self.allows(moment, tz):
            return moment
        local = moment.astimezone(tz)
        day = local.date()
        if local.time() >= self.end or local.weekday() not in self.weekdays:
            day += timedelta(days=1)
        elif local.time() < self.start:
            pass
        for _ in range(SEARCH_DAYS):
            if self.open_day(day):
                opening = datetime.combine(day, self.start, tzinfo=tz)
                if opening > local or self.allows(opening, tz):
                    return opening.astimezone(moment.tzinfo or tz)
            day += timedelta(days=1)
        raise ValueError("the window has no open day")


ALWAYS = Window(time(0, 0), time(23, 59, 59, 999999), frozenset(range(7)))
EVERY_DAY = Window(weekdays=frozenset(range(7)))

# The principal's other choices (teams.send_days) and the window each means.
SEND_DAYS: dict[str, Window] = {"everyday": EVERY_DAY, "always": ALWAYS}


def window_for(
    send_days: str, default: Window | None = None, calendar: SchoolCalendar | None = None
) -> Window:
    """The window of a team's choice; the default (weekdays 08-20) for "weekdays" and else.
    With a calendar, its holidays are closed too, except for "always" (the principal chose
    no limits at all)."""
    window = SEND_DAYS.get(send_days, default or Window())
    if send_days == "always":
        return window
    return window.with_calendar(calendar) if calendar is not None else window


# A deadline or start further away than this is a typing mistake, not a plan.
MAX_YEARS_AHEAD = 2
_DURATION = re.compile(r"^(\d{1,3})\s*(d|dag|dagen|day|days|u|uur|h|hours?|w|weken|week|weeks)$")
_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?$")


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """'7d', '48u', '2w' or a date '30-11' / '30-11-2026' (end of that day); None if unclear."""
    cleaned = text.strip().lower()
    match = _DURATION.match(cleaned)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if amount == 0:
            return None
        if unit.startswith(("u", "h")):
            return now + timedelta(hours=amount)
        if unit.startswith("w"):
            return now + timedelta(weeks=amount)
        return now + timedelta(days=amount)
    match = _DATE.match(cleaned)
    if match:
        local_now = now.astimezone(tz)
        day_, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else local_now.year
        if year < 100:
            year += 2000
        if year > local_now.year + MAX_YEARS_AHEAD:
            return None
        # Without a year: the next time that day comes (29-02 only exists in leap years).
        years = [year] if match.group(3) else range(year, year + MAX_YEARS_AHEAD + 1)
        target: date | None = None
        for candidate_year in years:
            try:
                candidate = date(candidate_year, month, day_)
            except ValueError:
                continue
            if match.group(3) or candidate >= local_now.date():
                target = candidate
                break
        if target is None:
            return None
        end_of_day = datetime.combine(target, time(20, 0), tzinfo=tz)
        return end_of_day if end_of_day > now else None
    return None


def is_day_term(text: str) -> bool:
    """True for a term in days or weeks ('7d', '2 weken'): one that counts school days."""
    match = _DURATION.match(text.strip().lower())
    return match is not None and not match.group(2).startswith(("u", "h"))


def count_school_days(
    start: datetime, deadline: datetime, calendar: SchoolCalendar, tz: ZoneInfo
) -> datetime:
    """A term in days or weeks counts school days, not holidays: every weekday of the term that
    is a holiday or a free day adds a school day at its end, at the same hour ("een week" from
    the Friday before Christmas ends a school week after the holiday, not on its first day)."""
    first = start.astimezone(tz).date()
    local = deadline.astimezone(tz)
    lost = sum(
        1
        for offset in range(1, (local.date() - first).days + 1)
        if (day := first + timedelta(days=offset)).weekday() < 5 and calendar.is_holiday(day)
    )
    if lost == 0:
        return deadline
    day = calendar.add_school_days(local.date(), lost)
    return datetime.combine(day, local.time(), tzinfo=tz).astimezone(deadline.tzinfo or tz)


def parse_start(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When something should begin: 'nu', '3d', '48u' or a date '1-12' (08:00 that day)."""
    cleaned = text.strip().lower()
    if cleaned in {"nu", "now", "meteen"}:
        return now
    moment = parse_deadline(cleaned, now, tz)
    if moment is None or _DURATION.match(cleaned):
        return moment
    # A date: parse_deadline gives the end of that day; a start is that morning.
    morning = datetime.combine(moment.date(), time(8, 0), tzinfo=tz)
    return max(morning, now)


def reminder_times(opened: datetime, deadline: datetime) -> list[datetime]:
    """At most two friendly reminders: halfway, and one day before the deadline."""
    span = deadline - opened
    if span <= timedelta(hours=2):
        return []
    halfway = opened + span / 2
    day_before = deadline - timedelta(days=1)
    times = [halfway]
    if day_before > halfway + timedelta(hours=6):
        times.append(day_before)
    return times


# A reminder this close to the reminder before it says nothing new; one this close to the
# deadline leaves no time to act.
MIN_REMINDER_GAP = timedelta(hours=6)
LAST_REMINDER_BEFORE = timedelta(hours=1)


def fit_reminders(
    times: list[datetime],
    deadline: datetime,
    window: Window,
    tz: ZoneInfo,
    opened: datetime | None = None,
) -> list[datetime]:
    """Reminders that reach people when they may. One due in quiet hours is left to the ticker
    (it waits for the opening); one due in a holiday moves to the same hour of the last school
    day before it (a reminder before the autumn holiday, not two on the morning after), else
    to the next opening. A reminder in the first quarter of the term (at least
    MIN_REMINDER_GAP), within LAST_REMINDER_BEFORE of the deadline or within MIN_REMINDER_GAP
    of the reminder before it is left out."""
    fitted: list[datetime] = []
    settle = max(MIN_REMINDER_GAP, (deadline - opened) / 4) if opened else MIN_REMINDER_GAP
    for moment in times:
        for moved in _reminder_candidates(moment, window, tz):
            too_early = opened is not None and moved - opened < settle
            too_late = deadline - moved < LAST_REMINDER_BEFORE
            crowded = bool(fitted) and abs(moved - fitted[-1]) < MIN_REMINDER_GAP
            if not (too_early or too_late or crowded):
                fitted.append(moved)
                break
    return sorted(fitted)


def _reminder_candidates(moment: datetime, window: Window, tz: ZoneInfo) -> list[datetime]:
    """Where a reminder may go: its own moment, unless that is a holiday (quiet hours and
    weekends are the ticker's business, so that a later /berichturen still counts)."""
    local = moment.astimezone(tz)
    if window.calendar is None or not window.calendar.is_holiday(local.date()):
        return [moment]
    after = window.next_open(moment, tz)
    day = local.date()
    for _ in range(SEARCH_DAYS):
        day -= timedelta(days=1)
        if window.open_day(day):
            clock = min(max(local.time(), window.start), _before(window.end))
            before = datetime.combine(day, clock, tzinfo=tz)
            return [before.astimezone(moment.tzinfo or tz), after]
    return [after]


def _before(end: time) -> time:
    """An hour before the window closes: a reminder leaves time to act the same day."""
    moment = datetime.combine(date(2000, 1, 1), end) - timedelta(hours=1)
    return moment.time()


def fit_deadline(deadline: datetime, start: datetime, window: Window, tz: ZoneInfo) -> datetime:
    """A deadline that happens when it says: inside the sending window. Outside it, the end of
    the last window before it ("tot vrijdag 20:00" instead of Saturday 10:00, or 22:45), unless
    that takes more than half of the term; then the next opening. A deadline in a holiday moves
    to the end of the first school day after it ("tot maandag 9 november 20:00")."""
    if window.allows_due(deadline, tz):
        return deadline
    local = deadline.astimezone(tz)
    if window.calendar is not None and window.calendar.is_holiday(local.date()):
        day = local.date()
        for _ in range(SEARCH_DAYS):
            if window.open_day(day):
                after = datetime.combine(day, window.end, tzinfo=tz)
                return after.astimezone(deadline.tzinfo or tz)
            day += timedelta(days=1)
    closing = window.last_close(deadline, tz)
    if closing is not None and closing - start >= (deadline - start) / 2:
        return closing
    return window.next_open(deadline, tz)
