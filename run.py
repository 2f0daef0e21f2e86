#!/usr/bin/env python3
"""Bootstrap and run: `python3 run.py bot` runs the bot, `python3 run.py test` runs all tests.

Needs only Python 3.11+. The first call creates `.venv/` and installs the pinned dependencies
(constraints.txt); later calls reinstall only when pyproject.toml or constraints.txt changed.
Extra arguments after `test` go to pytest, e.g. `python3 run.py test -k brainstorm`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".netwerkkaart-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and install the project (with test tools) if needed."""
    # run.py may be started by an older system Python; say so plainly instead of failing later.
    if sys.version_info < (3, 11):  # noqa: UP036
        major, minor = sys.version_info[:2]
        sys.exit(f"netwerkkaart: Python 3.11 or newer is needed (found {major}.{minor}).")
    if not PYTHON.exists():
        print("netwerkkaart: creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print("netwerkkaart: installing dependencies (once) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    constraints = ROOT / "constraints.txt"
    extra = ["-c", str(constraints)] if constraints.exists() else []
    subprocess.run([*pip, *extra, "-e", f"{ROOT}[dev]"], check=True, cwd=ROOT)
    STAMP.write_text(fingerprint)


def main(argv: list[str]) -> int:
    """Dispatch `bot` or `test`."""
    command, rest = (argv[0], argv[1:]) if argv else ("bot", [])
    if command not in {"bot", "test"}:
        print(__doc__)
        return 2
    ensure_environment()
    if command == "bot":
        return subprocess.call([str(PYTHON), "-m", "bot", "run", *rest], cwd=ROOT)
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
