"""Turn what people type into clean values, or a Problem that names the prompt to answer with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# One post-it carries a short key term ("CLB"); a long sentence is not a partner name.
MAX_PARTNER_NAME = 80
MAX_PARTNERS_PER_MEMBER = 80
MAX_SCHOOL_NAME = 120
MAX_FUNCTION = 80
# An answer may span several messages; keep it printable in a report.
MAX_ANSWER = 8000

_SPACE = re.compile(r"\s+")
_LEADING_BULLET = re.compile(r"^\s*(?:[-*•·–—]+|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Problem:
    """Why an input was refused: the prompt key to answer with and its fields."""

    key: str
    fields: dict[str, str | int] = field(default_factory=dict)


def tidy(text: str) -> str:
    """Normalise Unicode (NFC), drop control and zero-width characters, collapse spaces."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t " or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return _SPACE.sub(" ", kept).strip()


def has_words(text: str) -> bool:
    """True when the text holds at least one letter or digit (not only emoji or punctuation)."""
    return any(unicodedata.category(ch)[0] in {"L", "N"} for ch in text)


def normalise_key(text: str) -> str:
    """The key under which one member's list refuses doubles: case, accents and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.findall(r"[^\W_]+", letters)
    return " ".join(words)


def split_partner_lines(text: str) -> list[str]:
    """Split a pasted list (one partner per line, bullets allowed) into separate lines."""
    lines = []
    for line in text.splitlines():
        line = _LEADING_BULLET.sub("", line)
        if line.strip():
            lines.append(line)
    return lines


def _clean_short(text: str, limit: int, too_long: str) -> str | Problem:
    """A short single-line name: tidied, with at least one letter or digit, within limit."""
    name = tidy(text)
    if not name:
        return Problem("err.empty")
    if not has_words(name):
        return Problem("err.no_words")
    if len(name) > limit:
        return Problem(too_long, {"length": len(name), "max": limit})
    return name


def clean_partner_name(text: str) -> str | Problem:
    """One partner as it goes on a post-it: a short name with at least one letter or digit."""
    return _clean_short(text, MAX_PARTNER_NAME, "err.partner_too_long")


def clean_school_name(text: str) -> str | Problem:
    """The school's name as the team wants it on the map."""
    return _clean_short(text, MAX_SCHOOL_NAME, "err.name_too_long")


def clean_function(text: str) -> str | Problem:
    """A member's own description of their function, e.g. 'leraar 5de leerjaar'."""
    return _clean_short(text, MAX_FUNCTION, "err.function_too_long")


def clean_answer(text: str, already: int = 0) -> str | Problem:
    """A free-text answer; line breaks are kept, the whole answer stays under MAX_ANSWER."""
    lines = [tidy(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    answer = "\n".join(line for line in lines if line)
    if not answer:
        return Problem("err.empty")
    if already + len(answer) > MAX_ANSWER:
        return Problem("err.answer_too_long", {"max": MAX_ANSWER})
    return answer
