"""Settings come from the environment; a missing token is one clear line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from core.model import Language

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def"


def test_defaults() -> None:
    """Only the token is required; the rest has sensible Flemish defaults."""
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.db_path == Path("data") / "netwerkkaart.db"
    assert settings.language is Language.NL
    assert settings.timezone == "Europe/Brussels"
    assert TOKEN not in repr(settings)


def test_everything_can_be_overridden() -> None:
    """Database path, language and time zone come from NETWERKKAART_* variables."""
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "NETWERKKAART_DB": "/tmp/x.db",
            "NETWERKKAART_LANGUAGE": "EN",
            "NETWERKKAART_TIMEZONE": "Europe/Amsterdam",
        }
    )
    assert (settings.db_path, settings.language, settings.timezone) == (
        Path("/tmp/x.db"),
        Language.EN,
        "Europe/Amsterdam",
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"TELEGRAM_BOT_TOKEN": "  "},
        {"TELEGRAM_BOT_TOKEN": "not-a-token"},
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_LANGUAGE": "fr"},
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_TIMEZONE": "Mars/Olympus"},
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_UPDATE_SCHOOL_DAY": "0"},
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_UPDATE_SCHOOL_DAY": "september"},
    ],
)
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    """Missing or wrong settings raise ConfigError with a one-line message."""
    with pytest.raises(ConfigError) as excinfo:
        Settings.from_env(env)
    assert "\n" not in str(excinfo.value)


def test_running_without_a_token_prints_one_line() -> None:
    """`python -m bot` without a token exits with a one-line explanation, no traceback."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_another_bot_api_server_can_be_named() -> None:
    """NETWERKKAART_API_URL points the bot at another Bot API server; unset, it is Telegram."""
    from bot.app import build_application
    from prompts import Texts

    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}).api_url is None
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_API_URL": "http://127.0.0.1:8081/"}
    )
    assert settings.api_url == "http://127.0.0.1:8081"
    app = build_application(settings, None, Texts.load())  # type: ignore[arg-type]
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"
    default = build_application(Settings(token=TOKEN), None, Texts.load())  # type: ignore[arg-type]
    assert default.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"


@pytest.mark.parametrize(
    "env",
    [
        {"NETWERKKAART_API_URL": "127.0.0.1:8081"},
        {"NETWERKKAART_API_URL": "ftp://example.org"},
        {"NETWERKKAART_FLOOD_LIMITS": "maybe"},
    ],
)
def test_bad_server_settings_are_refused(env: dict[str, str]) -> None:
    """A server address without http(s):// or a flood-limit switch other than on/off is refused."""
    with pytest.raises(ConfigError):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
