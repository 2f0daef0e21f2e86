"""`python -m bot`: run the bot with long polling (settings from environment variables)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from telegram import Update

from prompts import Texts
from storage.store import Store

from .app import build_application
from .config import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (default)")
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        return run()
    parser.error(f"unknown command {args.command}")
    return 2


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
    # httpx logs every request URL, which contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    texts = Texts.load()
    store = asyncio.run(Store.open(settings.db_path))
    app = build_application(settings, store, texts)

    async def close_store(_: object) -> None:
        await store.close()

    app.post_shutdown = close_store
    logging.getLogger(__name__).info("database: %s", settings.db_path.resolve())
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
