"""Test-wide settings."""

from __future__ import annotations

import os

# Opt in to PTB's future timedelta durations (as the bot does) so no deprecation warning fires.
os.environ.setdefault("PTB_TIMEDELTA", "1")
