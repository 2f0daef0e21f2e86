"""`python -m bot`: run the bot with long polling (settings from environment variables)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

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
    save = sub.add_parser("backup", help="a consistent copy of the database, also while it runs")
    save.add_argument("target", type=Path, help="file to write, e.g. /data/backup.db")
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        return run()
    if args.command in ("simulate", "demo"):
        scenario = args.scenario if args.command == "simulate" else DEMO_SCENARIO
        return run_simulation(scenario, args.out)
    if args.command == "backup":
        return run_backup(args.target)
    parser.error(f"unknown command {args.command}")
    return 2


DEMO_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "demo.json"


def run_backup(target: Path) -> int:
    """Copy NETWERKKAART_DB to target; the bot may keep running meanwhile."""
    from storage.db import backup

    from .config import DEFAULT_DB_PATH

    source = Path(os.environ.get("NETWERKKAART_DB", str(DEFAULT_DB_PATH)))
    if not source.exists():
        print(f"netwerkkaart backup: no database at {source}", file=sys.stderr)
        return 2
    backup(source, target)
    print(f"Backup: {target}")
    return 0


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


# Start-up without a connection: try again after 2, 4, 8 ... seconds, at most a minute apart.
MAX_BACKOFF = 60.0


def connect(
    bot: Bot, *, sleep: Callable[[float], None] = time.sleep, attempts: int | None = None
) -> bool:
    """Reach Telegram before polling: one plain line per failed attempt (never the token),
    waiting longer each time; False (after one line) when Telegram refuses the token."""
    log = logging.getLogger("netwerkkaart")
    attempt = 0
    while True:
        attempt += 1
        try:
            asyncio.run(_probe(bot))
            return True
        except InvalidToken:
            log.error("Telegram refused the token: check TELEGRAM_BOT_TOKEN (from @BotFather)")
            return False
        except NetworkError as exc:
            if attempts is not None and attempt >= attempts:
                raise
            delay = min(MAX_BACKOFF, 2.0**attempt)
            log.warning(
                "no connection to Telegram (%s, attempt %d); trying again in %.0f s",
                type(exc).__name__,
                attempt,
                delay,
            )
            sleep(delay)


async def _probe(bot: Bot) -> None:
    await bot.initialize()
    try:
        await bot.get_me()
    finally:
        await bot.shutdown()


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
    if not connect(app.bot):
        asyncio.run(store.close())
        return 2
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
