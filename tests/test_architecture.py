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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _internal_imports(path: Path) -> set[str]:
    """Every first-party module this file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # "from bot.actions import steps" imports the module bot.actions.steps.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in FIRST_PARTY}


FIRST_PARTY = {"bot", "core", "storage", "prompts"}


def _graph() -> dict[str, set[str]]:
    files = [p for package in FIRST_PARTY for p in sorted((ROOT / package).rglob("*.py"))]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in _internal_imports(path) if t in modules and t != name}
        # A package's __init__ is imported with any of its modules; it is not an edge back.
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    return graph


def test_no_import_circles() -> None:
    """No module depends on itself through others (function-level imports count too)."""
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_handlers_do_not_import_each_other_and_jobs_import_no_handler() -> None:
    """Handlers adapt updates to actions; the scheduler dispatches rows to actions."""
    graph = _graph()
    offenders = [
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in targets
        if target.startswith("bot.handlers.")
        and (name.startswith("bot.handlers.") or not name.startswith("bot.app"))
    ]
    assert offenders == []


def test_actions_never_see_telegram() -> None:
    """Actions take typed services, never an Update or a context: they import no Telegram."""
    files = sorted((ROOT / "bot" / "actions").rglob("*.py"))
    assert files
    offenders = [str(f.relative_to(ROOT)) for f in files if {"telegram"} & _imports(f)]
    assert offenders == []


SQL = ("SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ", "CREATE TABLE")


def test_no_sql_outside_storage() -> None:
    """Only storage/ speaks SQL; everything else calls typed store methods."""
    offenders = []
    for package in ("bot", "core", "prompts"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    upper = node.value.upper()
                    if any(upper.lstrip().startswith(word) for word in SQL) and (
                        " FROM " in upper or " SET " in upper or "INTO" in upper
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in {"_one", "_all", "_run"}
                    and not (isinstance(node.value, ast.Name) and node.value.id == "self")
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_storage_speaks_core_types() -> None:
    """Nothing outside storage/ sees the database driver: stores return core types."""
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("bot", "core", "prompts")
        for path in sorted((ROOT / package).rglob("*.py"))
        if {"aiosqlite", "sqlite3"} & _imports(path)
    ]
    assert offenders == []
    public = ast.parse((ROOT / "storage" / "store.py").read_text(encoding="utf-8"))
    leaking = [
        node.name
        for node in ast.walk(public)
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        and not node.name.startswith("_")
        and node.returns is not None
        and "Row" in ast.unparse(node.returns)
    ]
    assert leaking == [], "store methods returning database rows"


def test_private_conversations_run_on_one_engine() -> None:
    """The member's dialog, the map editor and the member check are stage tables of one
    engine; their handlers call the engine, never a dialog's own text or button function."""
    from bot.dialogs import router
    from bot.dialogs.engine import Engine
    from core.protocol import EditorStage, Stage, SurveyStage

    for engine, stages in ((router.MEMBER, Stage), (router.EDITOR, EditorStage),
                           (router.SURVEY, SurveyStage)):  # fmt: skip
        assert isinstance(engine, Engine)
        assert set(engine.stages) == set(stages)
    calls = []
    for path in sorted((ROOT / "bot" / "handlers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"editor", "survey"}
                and node.attr in {"on_text", "on_button", "on_rename", "current_screens"}
            ):
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == []
