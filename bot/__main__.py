"""`python -m bot`: run the bot with long polling (settings from environment variables)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from telegram import Update

from prompts import Texts
from storage.store import Store

from .app import build_application
from .config import ConfigError, Settings
from .logsafe import install as install_redaction


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (default)")
    sim = sub.add_parser("simulate", help="play a scenario through the real bot, offline")
    sim.add_argument("scenario", type=Path, help="scenario JSON file")
    sim.add_argument("--out", type=Path, required=True, help="folder for map.png, export.json, ...")
    demo = sub.add_parser("demo", help="simulate the bundled demo school")
    demo.add_argument("--out", type=Path, default=Path("out") / "demo")
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        return run()
    if args.command in ("simulate", "demo"):
        scenario = args.scenario if args.command == "simulate" else DEMO_SCENARIO
        return run_simulation(scenario, args.out)
    parser.error(f"unknown command {args.command}")
    return 2


DEMO_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "demo.json"


def run_simulation(scenario: Path, out: Path) -> int:
    """Simulate a scenario; a bad scenario is one clear line and exit code 2."""
    from .simulate import ScenarioError, simulate

    logging.basicConfig(level=logging.WARNING)
    try:
        folder = asyncio.run(simulate(scenario, out))
    except ScenarioError as exc:
        print(f"netwerkkaart simulate: {exc}", file=sys.stderr)
        return 2
    print(f"Map: {folder / 'map.png'}")
    print(f"Export: {folder / 'export.json'}")
    print(f"Transcript: {folder / 'transcript.txt'}")
    return 0


def run() -> int:
    """Start polling until Ctrl+C; the database keeps every conversation across restarts."""
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as exc:
        print(f"netwerkkaart: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, which contains the token: quiet, and redacted anyway.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_redaction(settings.token)
    texts = Texts.load()
    store = asyncio.run(Store.open(settings.db_path))
    app = build_application(settings, store, texts, start_scheduler=True)

    async def close_store(_: object) -> None:
        await store.close()

    app.post_shutdown = close_store
    logging.getLogger(__name__).info("database: %s", settings.db_path.resolve())
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
