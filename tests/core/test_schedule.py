"""Deadlines, reminders and quiet hours: plain date arithmetic on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.schedule import ALWAYS, Window, fit_deadline, parse_deadline, reminder_times

BXL = ZoneInfo("Europe/Brussels")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BXL)


def test_quiet_hours_wait_for_the_next_weekday_morning() -> None:
    """Friday 21:00 waits until Monday 08:00; Tuesday 07:00 waits until 08:00."""
    window = Window()
    friday_evening = datetime(2026, 11, 27, 21, 0, tzinfo=BXL)
    assert window.next_open(friday_evening, BXL) == datetime(2026, 11, 30, 8, 0, tzinfo=BXL)
    tuesday_early = datetime(2026, 11, 24, 7, 0, tzinfo=BXL)
    assert window.next_open(tuesday_early, BXL) == datetime(2026, 11, 24, 8, 0, tzinfo=BXL)
    assert window.next_open(MONDAY_10, BXL) == MONDAY_10


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1)))
def test_next_open_is_always_allowed_and_never_earlier(moment: datetime) -> None:
    """Whatever the moment (DST included), the answer is inside the window and not before it."""
    aware = moment.replace(tzinfo=UTC)
    opened = Window().next_open(aware, BXL)
    assert opened >= aware
    assert Window().allows(opened, BXL)
    assert opened - aware < timedelta(days=4)


def test_deadlines_in_words_and_dates() -> None:
    """'7d', '48u', '2w' and '30-11' are understood; nonsense is not."""
    now = MONDAY_10
    assert parse_deadline("7d", now, BXL) == now + timedelta(days=7)
    assert parse_deadline("48u", now, BXL) == now + timedelta(hours=48)
    assert parse_deadline("2w", now, BXL) == now + timedelta(weeks=2)
    assert parse_deadline("30-11", now, BXL) == datetime(2026, 11, 30, 20, 0, tzinfo=BXL)
    for bad in ("", "soon", "0d", "31-02", "1-1-2020"):
        assert parse_deadline(bad, now, BXL) is None


def test_at_most_two_reminders() -> None:
    """A week gets a reminder halfway and one the day before; an hour gets none."""
    week = reminder_times(MONDAY_10, MONDAY_10 + timedelta(days=7))
    assert week == [MONDAY_10 + timedelta(days=3.5), MONDAY_10 + timedelta(days=6)]
    assert reminder_times(MONDAY_10, MONDAY_10 + timedelta(hours=1)) == []
    assert len(reminder_times(MONDAY_10, MONDAY_10 + timedelta(days=1))) == 1


BXL = ZoneInfo("Europe/Brussels")


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BXL)


def test_a_deadline_in_the_evening_ends_with_the_window() -> None:
    """Tuesday 22:45 is after the window: the term ends at 20:00 that Tuesday."""
    start = _local(2026, 12, 1, 22, 45)
    assert fit_deadline(start + timedelta(days=7), start, Window(), BXL) == _local(2026, 12, 8, 20)


def test_a_deadline_on_a_weekend_ends_on_friday_evening() -> None:
    start = _local(2026, 11, 28, 10)  # a Saturday
    deadline = fit_deadline(start + timedelta(days=7), start, Window(), BXL)
    assert deadline == _local(2026, 12, 4, 20)


def test_a_short_term_is_not_cut_by_more_than_half() -> None:
    """48 hours from Friday 21:00 end on Sunday: Friday 20:00 is before the start, so Monday."""
    start = _local(2026, 12, 4, 21)
    assert fit_deadline(start + timedelta(hours=48), start, Window(), BXL) == _local(2026, 12, 7, 8)


@given(
    st.integers(min_value=0, max_value=60 * 24 * 30),
    st.integers(min_value=1, max_value=60 * 24 * 21),
)
def test_a_fitted_deadline_always_falls_in_the_window(offset: int, term: int) -> None:
    start = _local(2026, 11, 30) + timedelta(minutes=offset)
    deadline = start + timedelta(minutes=term)
    fitted = fit_deadline(deadline, start, Window(), BXL)
    assert Window().allows_due(fitted, BXL)
    assert fitted > start
    assert fit_deadline(deadline, start, ALWAYS, BXL) == deadline


# -- the school calendar ---------------------------------------------------------------------


def test_a_window_with_the_school_calendar_is_closed_in_holidays() -> None:
    """Monday 2 November 2026 (autumn holiday) is closed; it opens on Monday 9 November."""
    from core.calendar import SchoolCalendar
    from core.schedule import Window

    zone = ZoneInfo("Europe/Brussels")
    window = Window().with_calendar(SchoolCalendar())
    holiday = datetime(2026, 11, 2, 10, 0, tzinfo=zone)
    assert Window().allows(holiday, zone)
    assert not window.allows(holiday, zone)
    assert window.next_open(holiday, zone) == datetime(2026, 11, 9, 8, 0, tzinfo=zone)
    summer = datetime(2027, 7, 5, 10, 0, tzinfo=zone)
    assert window.next_open(summer, zone) == datetime(2027, 9, 1, 8, 0, tzinfo=zone)


def test_a_deadline_in_a_holiday_moves_to_the_end_of_the_next_school_day() -> None:
    """A deadline on Christmas Day 2026 is Monday 4 January 2027 at 20:00."""
    from core.calendar import SchoolCalendar
    from core.schedule import Window, fit_deadline

    zone = ZoneInfo("Europe/Brussels")
    window = Window().with_calendar(SchoolCalendar())
    start = datetime(2026, 12, 18, 11, 0, tzinfo=zone)
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=zone)
    assert fit_deadline(christmas, start, window, zone) == datetime(2027, 1, 4, 20, 0, tzinfo=zone)


def test_reminders_avoid_holidays_without_piling_up() -> None:
    """A reminder in the autumn holiday comes on the last school day before it; one that
    would land next to another, or right after the start, is left out."""
    from core.calendar import SchoolCalendar
    from core.schedule import Window, fit_reminders, reminder_times

    zone = ZoneInfo("Europe/Brussels")
    window = Window().with_calendar(SchoolCalendar())
    opened = datetime(2026, 10, 26, 10, 0, tzinfo=zone)
    deadline = datetime(2026, 11, 9, 20, 0, tzinfo=zone)
    fitted = fit_reminders(reminder_times(opened, deadline), deadline, window, zone, opened)
    assert fitted == [
        datetime(2026, 10, 30, 15, 0, tzinfo=zone),
        datetime(2026, 11, 9, 8, 0, tzinfo=zone),
    ]
    opened = datetime(2026, 12, 18, 11, 0, tzinfo=zone)
    deadline = datetime(2027, 1, 4, 20, 0, tzinfo=zone)
    fitted = fit_reminders(reminder_times(opened, deadline), deadline, window, zone, opened)
    assert fitted == [datetime(2027, 1, 4, 8, 0, tzinfo=zone)]


def test_a_term_in_days_counts_school_days() -> None:
    """'7d' from the Friday before Christmas 2026 ends on Friday 8 January 2027: the five
    weekdays of the holiday are added; a term without holidays stays as it was; hours are
    hours."""
    from core.calendar import SchoolCalendar
    from core.schedule import count_school_days, is_day_term

    zone = ZoneInfo("Europe/Brussels")
    calendar = SchoolCalendar()
    start = datetime(2026, 12, 18, 11, 0, tzinfo=zone)
    assert count_school_days(start, start + timedelta(days=7), calendar, zone) == datetime(
        2027, 1, 8, 11, 0, tzinfo=zone
    )
    october = datetime(2026, 10, 5, 9, 0, tzinfo=zone)
    assert count_school_days(october, october + timedelta(days=7), calendar, zone) == (
        october + timedelta(days=7)
    )
    assert is_day_term("7d") and is_day_term("2 weken") and not is_day_term("48u")
    assert not is_day_term("30-11")
