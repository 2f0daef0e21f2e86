"""Reading the school's own free days and study days as a facilitator types them (no Telegram).

    /vrijedag 14-10 studiedag
    /vrijedag woensdag 14 oktober 2026 pedagogische studiedag
    /vrijedag 12/03 tot 14/03 schoolreis
    /vrijedag weg 14-10

Dates in the ways Flemish people write them: 14-10, 14/10/2026, 14.10.26, 2026-10-14, 14 oktober,
14 okt 2026, with or without a weekday. A date without a year is the next time that day comes.
A parser returns a value or a Problem whose key is the answer (prompts/*.toml, [freeday]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.calendar import FREE_KINDS, FreeDay
from core.validation import Problem, tidy

# A run of free days longer than this is a holiday the calendar already knows, or a mistake.
MAX_RUN_DAYS = 31
# Further ahead than this is a typing mistake.
MAX_YEARS_AHEAD = 2
MAX_LABEL = 60

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "febr": 2, "february": 2,
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
WEEKDAYS = frozenset(
    {
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
        "ma", "di", "wo", "do", "vr", "za", "zo",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    }
)  # fmt: skip
REMOVE_WORDS = frozenset({"weg", "verwijder", "schrap", "remove", "delete"})
RANGE_WORDS = ("tot en met", "t.e.m.", "t/m", "tem", "tot", "until", "to", "–", "—")
STUDY_WORDS = ("studiedag", "study day", "studydag")

_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?$")


@dataclass(frozen=True)
class FreeDaysInput:
    """What the facilitator asked: add these days (with kind and label), or remove them."""

    days: tuple[date, ...]
    kind: str = "vrij"
    label: str = ""
    remove: bool = False

    def free_days(self) -> list[FreeDay]:
        """The days as calendar rows."""
        return [FreeDay(day, self.kind, self.label) for day in self.days]


def _parts(text: str) -> tuple[int, int, int | None] | None:
    """Day, month and (when given) year of a date as people write it; None when unreadable."""
    cleaned = tidy(text).lower().strip(" ,.")
    words = cleaned.replace(",", " ").split()
    if words and words[0].rstrip(".") in WEEKDAYS:
        words = words[1:]
    cleaned = " ".join(words)
    year: int | None
    if match := _ISO.match(cleaned):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif match := _NUMERIC.match(cleaned):
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
    elif match := _WORDS.match(cleaned):
        day = int(match.group(1))
        month_number = MONTHS.get(match.group(2))
        if month_number is None:
            return None
        month = month_number
        year = int(match.group(3)) if match.group(3) else None
    else:
        return None
    if year is not None and year < 100:
        year += 2000
    return day, month, year


def parse_day(text: str, today: date) -> date | Problem:
    """One date as people write it; Problem('freeday.bad_date') when unclear or impossible,
    'freeday.past' before today, 'freeday.too_far' more than two years ahead."""
    shown: dict[str, str | int] = {"text": text.strip()[:40]}
    parts = _parts(text)
    if parts is None:
        return Problem("freeday.bad_date", shown)
    day, month, year = parts
    found: date | None = None
    if year is not None:
        try:
            found = date(year, month, day)
        except ValueError:
            return Problem("freeday.bad_date", shown)
    else:
        # Without a year: the next time that day comes (29-02 only in leap years).
        for candidate_year in range(today.year, today.year + MAX_YEARS_AHEAD + 1):
            try:
                candidate = date(candidate_year, month, day)
            except ValueError:
                continue
            if candidate >= today:
                found = candidate
                break
        if found is None:
            return Problem("freeday.bad_date", shown)
    if found < today:
        return Problem("freeday.past", shown)
    if found.year > today.year + MAX_YEARS_AHEAD:
        return Problem("freeday.too_far", shown)
    return found


def _split_dates_and_label(text: str) -> tuple[str, str]:
    """The date part (one date or a range) and the rest, the label."""
    tokens = text.split()
    # The longest leading run of tokens that reads as a date or a range decides.
    for end in range(min(len(tokens), 9), 0, -1):
        head = " ".join(tokens[:end])
        if _reads_as_dates(head):
            return head, " ".join(tokens[end:])
    return text, ""


def _reads_as_dates(text: str) -> bool:
    first, second = _range_parts(text)
    if _parts(first) is None:
        return False
    return second is None or _parts(second) is not None


def _range_parts(text: str) -> tuple[str, str | None]:
    lowered = f" {text.lower()} "
    for word in RANGE_WORDS:
        marker = f" {word} "
        if marker in lowered:
            before, _, after = lowered.partition(marker)
            return before.strip(), after.strip()
    return text, None


def parse_free_days(text: str, today: date) -> FreeDaysInput | Problem:
    """'/vrijedag' arguments: [weg] DATE [tot DATE] [studiedag] [label]."""
    cleaned = tidy(text).strip()
    if not cleaned:
        return Problem("freeday.usage")
    remove = False
    first, _, rest = cleaned.partition(" ")
    if first.lower() in REMOVE_WORDS:
        remove, cleaned = True, rest.strip()
        if not cleaned:
            return Problem("freeday.usage")
    dates_text, label = _split_dates_and_label(cleaned)
    for word in RANGE_WORDS:
        if label.lower() == word or label.lower().startswith(f"{word} "):
            # "14-10 tot later": the end of the range is what could not be read.
            shown = label[len(word) :].strip() or label
            return Problem("freeday.bad_date", {"text": shown[:40]})
    start_text, end_text = _range_parts(dates_text)
    start = parse_day(start_text, today)
    if isinstance(start, Problem):
        return start
    end = start
    if end_text is not None:
        parsed_end = parse_day(end_text, today)
        if isinstance(parsed_end, Problem):
            return parsed_end
        end = parsed_end
    if end < start:
        return Problem("freeday.backwards")
    if (end - start).days + 1 > MAX_RUN_DAYS:
        return Problem("freeday.too_long", {"max": MAX_RUN_DAYS})
    kind = "vrij"
    if any(word in label.lower() for word in STUDY_WORDS):
        kind = "studiedag"
    assert kind in FREE_KINDS
    days = tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
    return FreeDaysInput(days, kind, label[:MAX_LABEL].strip(), remove)
