"""Settings from environment variables; the token is never logged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.model import Language

DEFAULT_DB_PATH = Path("data") / "netwerkkaart.db"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line meant for the person running it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to start."""

    token: str = field(repr=False)
    db_path: Path = DEFAULT_DB_PATH
    language: Language = Language.NL
    timezone: str = "Europe/Brussels"
    log_level: str = "INFO"
    # When the team is invited to update its map (002: "regelmatig"): on this school day of the
    # first school year after the one it was kept in (10: the second week of September).
    update_school_day: int = 10
    # Another Bot API server (a local telegram-bot-api, or the test fake over HTTP); None is
    # Telegram's own https://api.telegram.org.
    api_url: str | None = None
    # Telegram's flood limits, kept on the bot's side; off only against a server that has none.
    flood_limits: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read NETWERKKAART_* variables (and TELEGRAM_BOT_TOKEN) from a mapping like os.environ."""
        token = (env.get("TELEGRAM_BOT_TOKEN") or env.get("NETWERKKAART_TOKEN") or "").strip()
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram and run "
                "`export TELEGRAM_BOT_TOKEN=<token>` (see README)."
            )
        if not _TOKEN.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456:ABC-...)."
            )
        language = env.get("NETWERKKAART_LANGUAGE", "nl").strip().lower()
        if language not in {lang.value for lang in Language}:
            raise ConfigError(f"NETWERKKAART_LANGUAGE must be nl or en, not {language!r}.")
        timezone = env.get("NETWERKKAART_TIMEZONE", "Europe/Brussels").strip()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"NETWERKKAART_TIMEZONE {timezone!r} is not a known time zone."
            ) from exc
        day_raw = env.get("NETWERKKAART_UPDATE_SCHOOL_DAY", "10").strip()
        if not day_raw.isdigit() or not 1 <= int(day_raw) <= 60:
            raise ConfigError(
                "NETWERKKAART_UPDATE_SCHOOL_DAY must be a whole number from 1 to 60 (the school"
                " day of the new school year on which the yearly update is proposed)."
            )
        api_url = env.get("NETWERKKAART_API_URL", "").strip().rstrip("/") or None
        if api_url is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", api_url):
            raise ConfigError(
                f"NETWERKKAART_API_URL must be an http(s) address like http://127.0.0.1:8081, "
                f"not {api_url!r}."
            )
        flood = env.get("NETWERKKAART_FLOOD_LIMITS", "on").strip().lower()
        if flood not in {"on", "off"}:
            raise ConfigError(f"NETWERKKAART_FLOOD_LIMITS must be on or off, not {flood!r}.")
        return cls(
            token=token,
            api_url=api_url,
            flood_limits=flood == "on",
            update_school_day=int(day_raw),
            db_path=Path(env.get("NETWERKKAART_DB", str(DEFAULT_DB_PATH))),
            language=Language(language),
            timezone=timezone,
            log_level=env.get("NETWERKKAART_LOG_LEVEL", "INFO").upper(),
        )
