"""Messages the bot owes someone, as plain data: what an outbox row holds.

An action decides, inside its transaction, that a text, a photo or a file must reach a chat and
writes it as a row (storage's outbox); the deliverer turns the row into a Bot API call later.
Nothing here knows Telegram: buttons are labels with callback data or a URL.

- `living`: a keyed message that is edited in place once it exists (a round's progress
  counts). Without `fresh`, a row for the same chat and key edits the message sent before;
  with `fresh`, it always sends a new one and the key then names the newest (a term offer).
- `batch`: rows that belong together (one step's notes to every member); a `Notice` after them
  counts how many of the batch could not be reached and is only sent when that is more than 0.
- `render`: a photo drawn when it is delivered (the team's map), named by what it shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Tap:
    """An inline button with callback data."""

    label: str
    data: str


@dataclass(frozen=True)
class Link:
    """An inline button that opens a URL (a deep link)."""

    label: str
    url: str


Button = Tap | Link
Buttons = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Text:
    """An HTML text; long texts are split by the deliverer (buttons under the last part)."""

    chat_id: int
    text: str
    buttons: Buttons = ()
    living: str | None = None
    fresh: bool = False
    batch: str | None = None


@dataclass(frozen=True)
class Photo:
    """A picture: bytes given now, or drawn at delivery (`render`, e.g. "map:12"), with
    buttons under it (e.g. the map in words)."""

    chat_id: int
    caption: str = ""
    data: bytes | None = None
    render: str | None = None
    batch: str | None = None
    buttons: Buttons = ()


@dataclass(frozen=True)
class Document:
    """A file."""

    chat_id: int
    data: bytes
    filename: str
    batch: str | None = None


@dataclass(frozen=True)
class Notice:
    """A prompt sent only when some rows of `batch` could not be reached; `count` is added.

    `blocked` counts people left out of the batch beforehand because they blocked the bot.
    """

    chat_id: int
    batch: str
    key: str
    lang: str
    fields: dict[str, Any] = field(default_factory=dict)
    buttons: Buttons = ()
    blocked: int = 0


Effect = Text | Photo | Document | Notice


def _buttons_to_json(buttons: Buttons) -> list[list[dict[str, str]]]:
    return [
        [
            {"label": b.label, "data": b.data}
            if isinstance(b, Tap)
            else {"label": b.label, "url": b.url}
            for b in row
        ]
        for row in buttons
    ]


def _buttons_from_json(raw: Any) -> Buttons:
    return tuple(
        tuple(
            Tap(str(b["label"]), str(b["data"])) if "data" in b else Link(str(b["label"]), b["url"])
            for b in row
        )
        for row in raw or []
    )


def to_row(effect: Effect) -> tuple[str, str, bytes | None]:
    """(kind, JSON payload, blob) for storage."""
    if isinstance(effect, Text):
        payload: dict[str, Any] = {"text": effect.text, "buttons": _buttons_to_json(effect.buttons)}
        if effect.fresh:
            payload["fresh"] = True
        return "text", json.dumps(payload, ensure_ascii=False), None
    if isinstance(effect, Photo):
        payload = {"caption": effect.caption}
        if effect.render:
            payload["render"] = effect.render
        if effect.buttons:
            payload["buttons"] = _buttons_to_json(effect.buttons)
        return "photo", json.dumps(payload, ensure_ascii=False), effect.data
    if isinstance(effect, Document):
        return "document", json.dumps({"filename": effect.filename}), effect.data
    payload = {
        "key": effect.key,
        "lang": effect.lang,
        "fields": effect.fields,
        "buttons": _buttons_to_json(effect.buttons),
        "blocked": effect.blocked,
    }
    return "notice", json.dumps(payload, ensure_ascii=False), None


def from_row(
    kind: str,
    chat_id: int,
    payload: str,
    blob: bytes | None,
    living: str | None,
    batch: str | None,
) -> Effect:
    """The effect a stored row describes."""
    data = json.loads(payload)
    if kind == "text":
        return Text(
            chat_id,
            data["text"],
            _buttons_from_json(data.get("buttons")),
            living=living,
            fresh=bool(data.get("fresh")),
            batch=batch,
        )
    if kind == "photo":
        return Photo(
            chat_id,
            data.get("caption", ""),
            blob,
            data.get("render"),
            batch,
            _buttons_from_json(data.get("buttons")),
        )
    if kind == "document":
        return Document(chat_id, blob or b"", data["filename"], batch)
    if kind == "notice":
        return Notice(
            chat_id,
            batch or "",
            data["key"],
            data["lang"],
            dict(data.get("fields") or {}),
            _buttons_from_json(data.get("buttons")),
            int(data.get("blocked", 0)),
        )
    raise ValueError(f"unknown outbox kind {kind!r}")
