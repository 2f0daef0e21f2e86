"""What several actions share: the join link, member screens as outbox messages, dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import callbacks
from bot.context import Services
from bot.dialogs.base import Button, Screen
from core.effects import Buttons, Link, Tap, Text
from core.model import Round, Team


def join_url(services: Services, round_: Round) -> str:
    """The deep link that opens a private chat and joins the round."""
    return f"https://t.me/{services.bot_username}?start={round_.token}"


def join_buttons(services: Services, team: Team, round_: Round) -> Buttons:
    """The button under the round's announcement."""
    label = services.texts.plain("btn.join", team.language.value)
    return ((Link(label, join_url(services, round_)),),)


def dialog_encoder(member_id: int, seq: int) -> Callable[[Button], str]:
    """A member's dialog buttons carry their screen number."""
    return lambda button: callbacks.dialog(member_id, seq, button.action, button.arg)


def to_buttons(screen: Screen, encode: Callable[[Button], str]) -> Buttons:
    """A screen's buttons as outbox buttons."""
    return tuple(
        tuple(Link(b.label, b.url) if b.url else Tap(b.label, encode(b)) for b in row)
        for row in screen.rows
    )


def screen_messages(
    chat_id: int,
    screens: list[Screen],
    encode: Callable[[Button], str],
    *,
    batch: str | None = None,
) -> list[Text]:
    """Screens as messages in order; only the last one carries live buttons."""
    return [
        Text(
            chat_id,
            screen.text,
            to_buttons(screen, encode) if index == len(screens) - 1 else (),
            batch=batch,
        )
        for index, screen in enumerate(screens)
    ]


def moment_text(services: Services, team: Team, moment: datetime) -> str:
    """A moment as people say it, in the team's time zone: "dinsdag 8 december om 20:00"."""
    local = moment.astimezone(services.zone(team))
    lang = team.language.value
    fields = services.texts.date_fields(lang, local.date())
    return services.texts.plain("date.moment", lang, time=local.strftime("%H:%M"), **fields)
