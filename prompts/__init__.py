"""Every text a person sees, keyed, in Dutch first and English second.

Interface texts live in `nl.toml` / `en.toml` (nested tables, flattened to dotted keys such as
`err.empty`); the protocol's own texts live verbatim in `protocol_nl.toml` / `protocol_en.toml`,
keyed by the IDs of PROTOCOL.md §4 (`BRAIN.Q`). Interface templates are Telegram HTML; any field
put into them is escaped unless it is wrapped in `Html`. A template refers to a protocol text
with `{@BRAIN.Q}`, which inserts that text escaped.
"""

from __future__ import annotations

import html
import re
import string
import tomllib
from datetime import date
from importlib import resources
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

_REFERENCE = re.compile(r"\{@([A-Za-z0-9_.]+)\}")


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise TypeError(f"prompt {name} must be a string, not {type(value).__name__}")
    return flat


def _load(name: str) -> dict[str, str]:
    raw = resources.files("prompts").joinpath(name).read_text(encoding="utf-8")
    return _flatten(tomllib.loads(raw))


def placeholders(template: str) -> set[str]:
    """The {field} names a template expects (protocol references excluded)."""
    return {
        field for _, field, _, _ in string.Formatter().parse(_REFERENCE.sub("", template)) if field
    }


class _Field(str):
    """A rendered field value that also knows plurals: `{count:partner|partners}` renders
    "1 partner" and "3 partners" (any other spec is an ordinary format spec)."""

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return format(str(self), spec)
        one, many = spec.split("|", 1)
        try:
            number = int(self)
        except ValueError:
            number = None
        return f"{self} {one if number == 1 else many}"


class Texts:
    """All prompts, loaded once at start; `t` renders one by key."""

    def __init__(self, ui: dict[str, dict[str, str]], protocol: dict[str, dict[str, str]]):
        self.ui = ui
        self.protocol = protocol
        self._cache: dict[tuple[str, str], tuple[str, str, bool]] = {}
        for lang in LANGUAGES:
            clash = set(ui[lang]) & set(protocol[lang])
            if clash:
                raise ValueError(f"keys defined twice for {lang}: {sorted(clash)}")

    @classmethod
    def load(cls) -> Texts:
        """Read the TOML files shipped in this package."""
        ui = {lang: _load(f"{lang}.toml") for lang in LANGUAGES}
        protocol = {lang: _load(f"protocol_{lang}.toml") for lang in LANGUAGES}
        return cls(ui, protocol)

    def _template(self, key: str, lang: str) -> str:
        for table in (self.ui, self.protocol):
            if key in table.get(lang, {}):
                return table[lang][key]
            if key in table[DEFAULT_LANGUAGE]:
                return table[DEFAULT_LANGUAGE][key]
        raise KeyError(f"no prompt {key!r}")

    def template(self, key: str, lang: str) -> str:
        """The raw plain-text template with its {fields}, protocol references filled in."""
        return _REFERENCE.sub(lambda m: self._template(m.group(1), lang), self._template(key, lang))

    def has(self, key: str) -> bool:
        """True when a prompt with this key exists."""
        return key in self.ui[DEFAULT_LANGUAGE] or key in self.protocol[DEFAULT_LANGUAGE]

    def _resolved(self, key: str, lang: str) -> tuple[str, str, bool]:
        """The HTML and the plain template of a prompt with its protocol references filled
        in, and whether it is a protocol text (taken verbatim, no fields); worked out once
        per key and language (the texts never change while the bot runs)."""
        cached = self._cache.get((key, lang))
        if cached is not None:
            return cached
        template = self._template(key, lang)
        if key in self.protocol[DEFAULT_LANGUAGE]:
            cached = (html.escape(template, quote=False), template, True)
        else:
            as_html = _REFERENCE.sub(
                lambda m: (
                    html.escape(self._template(m.group(1), lang), quote=False)
                    .replace("{", "{{")
                    .replace("}", "}}")
                ),
                template,
            )
            as_plain = _REFERENCE.sub(
                lambda m: self._template(m.group(1), lang).replace("{", "{{").replace("}", "}}"),
                template,
            )
            cached = (as_html, as_plain, False)
        self._cache[(key, lang)] = cached
        return cached

    def t(self, key: str, lang: str, /, **fields: object) -> Html:
        """Render a prompt as Telegram HTML; fields are escaped unless they are Html."""
        template, _, verbatim = self._resolved(key, lang)
        if verbatim:
            return Html(template)
        safe = {
            name: _Field(value if isinstance(value, Html) else html.escape(str(value), quote=False))
            for name, value in fields.items()
        }
        return Html(template.format_map(safe))

    def date_fields(self, lang: str, day: date) -> dict[str, object]:
        """The fields a date prompt fills in ({weekday} {day} {month} {year}): "woensdag",
        14, "oktober", 2026."""
        return {
            "weekday": self.plain(f"date.weekday_{day.weekday()}", lang),
            "day": day.day,
            "month": self.plain(f"date.month_{day.month}", lang),
            "year": day.year,
        }

    def plain(self, key: str, lang: str, /, **fields: object) -> str:
        """Render a prompt as plain text (button labels, toasts, command descriptions)."""
        _, template, verbatim = self._resolved(key, lang)
        if verbatim:
            return template
        return template.format_map({name: _Field(value) for name, value in fields.items()})
