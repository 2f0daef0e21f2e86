"""The code keeps its shape: the protocol core, storage, texts and dialogs never import Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_FREE = ["core", "storage", "prompts", "bot/dialogs"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", TELEGRAM_FREE)
def test_package_does_not_import_telegram(package: str) -> None:
    """Merging, rendering, the protocol and storage are testable with plain function calls."""
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no Python files"
    offenders = [str(f.relative_to(ROOT)) for f in files if {"telegram"} & _imports(f)]
    assert offenders == []


def test_core_does_not_depend_on_the_bot() -> None:
    """The core stands alone: it imports neither the bot nor storage."""
    offenders = [
        str(f.relative_to(ROOT))
        for f in sorted((ROOT / "core").rglob("*.py"))
        if {"bot", "storage"} & _imports(f)
    ]
    assert offenders == []


def test_no_user_text_in_handlers() -> None:
    """Handlers render texts by key: no Dutch sentence is written in a handler."""
    suspicious = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if "testing" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {
                "send_message",
                "edit_text",
                "answer",
                "edit_message_text",
            }:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                        suspicious.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert suspicious == []
