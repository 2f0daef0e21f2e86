"""Typed services every entry point shares: settings, store, texts, the clock, delivery."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from core.model import Team
from core.schedule import Window
from prompts import Texts
from storage.store import Store


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def _no_delivery() -> int:
    return 0


@dataclass
class Services:
    """What every handler, action and job needs, built once at start."""

    settings: Settings
    store: Store
    texts: Texts
    clock: Callable[[], datetime] = _utc_now
    # When planned messages may go out (a team narrows it with /berichturen).
    window: Window = field(default_factory=Window)
    # Sends what the outbox owes; wired to the deliverer at start.
    flush: Callable[[], Awaitable[int]] = _no_delivery
    # The bot's @username, for deep links (known once the bot has started).
    bot_username: str = ""

    def timezone(self, team: Team) -> str:
        """The team's time zone name: its own setting, else the bot's default."""
        return team.timezone or self.settings.timezone

    def zone(self, team: Team) -> ZoneInfo:
        """The team's time zone."""
        return ZoneInfo(self.timezone(team))
