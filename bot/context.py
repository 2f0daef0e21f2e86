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


async def _size_unknown(chat_id: int) -> int | None:
    return None


# How long what Telegram said about someone's membership of a group is trusted.
PRESENCE_SECONDS = 60


class Presence:
    """Who is in which group, as Telegram last said: a short cache in front of getChatMember
    (the database keeps who left; this only saves asking on every tap)."""

    def __init__(self, seconds: float = PRESENCE_SECONDS) -> None:
        self.seconds = seconds
        self._seen: dict[tuple[int, int], tuple[datetime, bool]] = {}
        # A round's (team id, group chat id): which group a member's action is checked against.
        self.groups: dict[int, tuple[int, int]] = {}
        # A member's (user id, round id), so a tap on their buttons is checked without a query.
        self.members: dict[int, tuple[int, int]] = {}

    def get(self, chat_id: int, user_id: int, now: datetime) -> bool | None:
        """The cached answer while it is fresh, else None."""
        seen = self._seen.get((chat_id, user_id))
        if seen is None or (now - seen[0]).total_seconds() > self.seconds:
            return None
        return seen[1]

    def put(self, chat_id: int, user_id: int, present: bool, now: datetime) -> None:
        """Remember what Telegram said (a chat_member update or a getChatMember answer)."""
        self._seen[(chat_id, user_id)] = (now, present)


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
    # How many people (not counting the bot) are in a group now; None when Telegram cannot
    # tell. Wired to getChatMemberCount at start.
    group_size: Callable[[int], Awaitable[int | None]] = _size_unknown
    # The bot's @username, for deep links (known once the bot has started).
    bot_username: str = ""
    # Who is in which group, cached for PRESENCE_SECONDS.
    presence: Presence = field(default_factory=Presence)

    def timezone(self, team: Team) -> str:
        """The team's time zone name: its own setting, else the bot's default."""
        return team.timezone or self.settings.timezone

    def zone(self, team: Team) -> ZoneInfo:
        """The team's time zone."""
        return ZoneInfo(self.timezone(team))
