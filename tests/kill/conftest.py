"""The uninterrupted reference run, played once per test session against the real process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from .runner import Played, play


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The whole round through `python -m bot` over HTTP, without kills."""
    workdir: Path = tmp_path_factory.mktemp("kill-reference")
    return asyncio.run(play(workdir))
