"""callback_data stays within Telegram's 64 bytes and decodes what we encoded."""

from __future__ import annotations

import pytest

from bot import callbacks
from core.model import Category


def test_round_trip() -> None:
    """A dialog button decodes to the member, screen, action and argument it was made with."""
    data = callbacks.dialog(123456789, 99999, "cat", f"987654321:{Category.PROFESSIONALISERING}")
    assert len(data.encode()) <= 64
    assert callbacks.decode(data) == callbacks.DialogTap(
        123456789, 99999, "cat", "987654321:professionalisering"
    )


def test_too_long_is_refused_when_encoding() -> None:
    """We never send a button Telegram would refuse."""
    with pytest.raises(ValueError):
        callbacks.dialog(1, 1, "x", "y" * 64)


def test_focus_group_button_round_trip() -> None:
    """The member check's focus-group button carries the check and the choice, nothing else."""
    for include in (True, False):
        data = callbacks.participants(987654321, include)
        assert callbacks.decode(data) == callbacks.ParticipantsTap(987654321, include)


@pytest.mark.parametrize(
    "data", [None, "", "garbage", "d:1:x:a:b", "d:1", "p:onlyone", "s:1:2", "s:x:1", "s:1"]
)
def test_garbage_decodes_to_none(data: str | None) -> None:
    """Buttons of old versions or forged data are recognised as stale."""
    assert callbacks.decode(data) is None
