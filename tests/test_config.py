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
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_UPDATE_MONTHS": "0"},
        {"TELEGRAM_BOT_TOKEN": TOKEN, "NETWERKKAART_UPDATE_MONTHS": "jaarlijks"},
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
