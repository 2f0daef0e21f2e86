"""Open the SQLite database: WAL, foreign keys, and migrations numbered by PRAGMA user_version."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

import aiosqlite

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# sqlite3 keeps this many statements prepared, by their text: every Tx method's SQL and the few
# UPDATEs that _update builds fit, so the hot path never parses SQL again.
STATEMENT_CACHE = 512


def migrations() -> list[tuple[int, str]]:
    """Return (version, sql) for every migration file shipped in storage/migrations, in order."""
    found: list[tuple[int, str]] = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _ in found]
    # Numbers are handed out per change before they land, so one may land before a lower one:
    # unique and ascending is the rule; the file's user_version is the highest one applied.
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise RuntimeError(f"migrations must be numbered uniquely from 1, found {versions}")
    return found


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (and create or upgrade) the database at path; ':memory:' works for quick checks."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per user action.
    # check_same_thread=False: the Store runs its statements on the event loop's thread (see
    # raw_connection); aiosqlite's own thread only opens, migrates and closes.
    db = await aiosqlite.connect(
        str(path),
        isolation_level=None,
        check_same_thread=False,
        cached_statements=STATEMENT_CACHE,
    )
    db.row_factory = aiosqlite.Row
    await db.execute("PRAGMA journal_mode = WAL")
    # In WAL mode, NORMAL writes every COMMIT to the WAL file and syncs it at checkpoints only:
    # a committed action survives the process being killed (the kernel has the write), only a
    # power cut can take the last ones back. FULL would add an fsync to every COMMIT.
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA busy_timeout = 5000")
    # Deleted and overwritten content is zeroed, not left in free space: what /vergeetmij
    # deletes (and every replaced answer) is gone from the file, not only from the tables.
    await db.execute("PRAGMA secure_delete = ON")
    await _migrate(db)
    return db


def raw_connection(db: aiosqlite.Connection) -> sqlite3.Connection:
    """The sqlite3 connection inside an aiosqlite one, for statements run without a thread hop.

    A thread hop per statement (three for a SELECT: execute, fetch, close) cost more than the
    statements themselves, which take microseconds on this small, local file. aiosqlite keeps
    the connection in `_conn` (aiosqlite is pinned below 0.23; the storage tests exercise it).
    """
    return db._conn


async def schema_version(db: aiosqlite.Connection) -> int:
    """Return the schema version recorded in the database file."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _migrate(db: aiosqlite.Connection) -> None:
    current = await schema_version(db)
    for version, sql in migrations():
        if version <= current:
            continue
        # SQLite's documented way to rebuild a table that others reference: switch foreign keys
        # off outside the transaction (the pragma is ignored inside one), check them all before
        # COMMIT, and switch them back on. executescript would commit implicitly, so the
        # statements run one by one inside one explicit transaction.
        await db.execute("PRAGMA foreign_keys = OFF")
        try:
            await db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    await db.execute(statement)
                async with db.execute("PRAGMA foreign_key_check") as cursor:
                    broken = await cursor.fetchall()
                if broken:
                    rows = [tuple(row) for row in broken]
                    raise RuntimeError(f"migration {version:04d} leaves broken references: {rows}")
                await db.execute(f"PRAGMA user_version = {version:d}")
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
        finally:
            await db.execute("PRAGMA foreign_keys = ON")


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements; a trigger's BEGIN ... END stays one statement."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in lines:
        current.append(line)
        stripped = line.strip().upper()
        if stripped.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if stripped == "END;":
                statements.append("\n".join(current).strip().rstrip(";"))
                current, in_trigger = [], False
            continue
        if stripped.endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return [statement for statement in statements if statement]


def backup(source: str | Path, target: str | Path) -> None:
    """A consistent copy of the database while the bot runs (SQLite's online backup: pages
    are copied under a read lock, WAL included); the target is replaced."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True) as src:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    partial.replace(target)
