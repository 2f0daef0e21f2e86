"""The team's school calendar: the Flemish holidays (data) plus the school's own days off.

Every action that plans or sends something on a date asks here, so that nothing planned falls
on a holiday:

    calendar = await school_calendar(tx, team)     # core.calendar.SchoolCalendar
    window = await team_window(tx, services, team)  # core.schedule.Window, holidays closed
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.context import Services
from core.calendar import SchoolCalendar
from core.freedays import parse_free_days
from core.model import Team
from core.schedule import Window, fit_deadline, window_for
from core.validation import Problem
from prompts import Html
from storage.store import Tx

from .common import moment_text


async def school_calendar(tx: Tx, team: Team) -> SchoolCalendar:
    """The team's calendar: official holidays and its own free days and study days."""
    return SchoolCalendar(extra=tuple(await tx.free_days(team.id)), language=team.language.value)


async def team_window(tx: Tx, services: Services, team: Team) -> Window:
    """When planned messages may reach the team's people: its hours, no holidays."""
    return window_for(team.send_days, services.window, await school_calendar(tx, team))


# How far ahead /vrijedag lists the coming school holidays.
LIST_DAYS = 183
DEADLINE_KINDS = frozenset({"step_deadline", "mc_deadline"})


def holiday_note(services: Services, team: Team, window: Window, asked: datetime) -> Html | None:
    """Why a deadline moved: the asked day falls in a holiday or a free day (None otherwise)."""
    if window.calendar is None:
        return None
    day = asked.astimezone(services.zone(team)).date()
    name = window.calendar.holiday_name(day)
    if name is None:
        return None
    return services.texts.t(
        "freeday.deadline_in_holiday",
        team.language.value,
        day=day_text(services, team, day),
        name=name,
    )


def day_text(services: Services, team: Team, day: date) -> str:
    """A date as people say it: "woensdag 14 oktober 2026"."""
    lang = team.language.value
    return services.texts.plain("freeday.day", lang, **services.texts.date_fields(lang, day))


def _period_text(services: Services, team: Team, start: date, end: date, name: str) -> str:
    if start == end:
        return services.texts.plain(
            "freeday.line_day", team.language.value, day=day_text(services, team, start), name=name
        )
    return services.texts.plain(
        "freeday.line_period",
        team.language.value,
        start=day_text(services, team, start),
        end=day_text(services, team, end),
        name=name,
    )


async def free_days_command(services: Services, team: Team, user_id: int, text: str) -> Html:
    """/vrijedag: add or remove the school's own free days and study days, or list the days
    off to come; returns the answer for the facilitator. Planned rows that now fall on a day
    off move to the next school day."""
    lang = team.language.value
    t = services.texts.t
    zone = services.zone(team)
    async with services.store.tx() as tx:
        today = tx.now.astimezone(zone).date()
        if not text.strip():
            return await _listing(tx, services, team, today)
        parsed = parse_free_days(text, today)
        if isinstance(parsed, Problem):
            answer = t(parsed.key, lang, **parsed.fields)
            return Html(f"{answer}\n\n{t('freeday.usage', lang)}")
        shown = _period_text(
            services, team, parsed.days[0], parsed.days[-1], parsed.label or ""
        ).rstrip(" —-:")
        if parsed.remove:
            removed = await tx.remove_free_days(team.id, list(parsed.days))
            if not removed:
                return t("freeday.none_removed", lang, days=shown)
            moved = await refit_planned(tx, services, team)
            return _with_moves(services, team, t("freeday.removed", lang, days=shown), moved)
        before = await school_calendar(tx, team)
        already = sorted(
            {before.holiday_name(day) or "" for day in parsed.days if before.is_holiday(day)} - {""}
        )
        await tx.add_free_days(team.id, parsed.free_days(), user_id)
        moved = await refit_planned(tx, services, team)
    key = "freeday.added_study" if parsed.kind == "studiedag" else "freeday.added"
    answer = t(key, lang, days=shown, count=len(parsed.days))
    if already:
        answer = Html(f"{answer}\n{t('freeday.already_off', lang, names=', '.join(already))}")
    return _with_moves(services, team, answer, moved)


def _with_moves(services: Services, team: Team, answer: Html, moved: list[datetime]) -> Html:
    if not moved:
        return answer
    when = ", ".join(moment_text(services, team, moment) for moment in moved)
    note = services.texts.t("freeday.deadline_moved", team.language.value, when=when)
    return Html(f"{answer}\n{note}")


async def _listing(tx: Tx, services: Services, team: Team, today: date) -> Html:
    """The team's own days off and the school holidays of the coming months."""
    lang = team.language.value
    t = services.texts.t
    calendar = await school_calendar(tx, team)
    own = [free for free in calendar.extra if free.day >= today]
    lines = [
        _period_text(services, team, free.day, free.day, free.label or free.kind) for free in own
    ]
    official = [
        p
        for p in calendar.periods(today, today + timedelta(days=LIST_DAYS))
        if not any(free.day == p.start for free in own)
    ]
    holiday_lines = [_period_text(services, team, p.start, p.end, p.name) for p in official]
    parts = [
        t("freeday.own", lang, lines="\n".join(lines)) if lines else t("freeday.own_none", lang),
        t("freeday.coming", lang, lines="\n".join(holiday_lines)),
        t("freeday.usage", lang),
    ]
    return Html("\n\n".join(parts))


async def refit_planned(tx: Tx, services: Services, team: Team) -> list[datetime]:
    """Move the team's planned rows that fall on a day off now: a deadline to the end of the
    next school day, anything else to the next opening; returns the deadlines' new times."""
    window = await team_window(tx, services, team)
    zone = services.zone(team)
    moved: list[datetime] = []
    for row in await tx.planned_of_team(team.id):
        if window.allows_due(row.run_at, zone):
            continue
        local_day = row.run_at.astimezone(zone).date()
        if window.calendar is None or not window.calendar.is_holiday(local_day):
            continue  # quiet hours only: the ticker waits for the opening as before
        if row.kind in DEADLINE_KINDS:
            when = fit_deadline(row.run_at, tx.now, window, zone)
            moved.append(when)
        else:
            when = window.next_open(row.run_at, zone)
        await tx.postpone(int(row.id), when)
    return moved
