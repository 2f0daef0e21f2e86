"""The low level every query module shares: one open transaction and timestamp helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import aiosqlite


def ts(value: datetime) -> str:
    """UTC text to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def ts_precise(value: datetime) -> str:
    """Sortable UTC text with microseconds, for schedule comparisons."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class TxBase:
    """Reads and writes inside one open transaction; `now` is fixed for the whole action."""

    def __init__(
        self, db: aiosqlite.Connection, now: datetime, source: tuple[int, int] | None = None
    ) -> None:
        self._db = db
        self.now = now
        # The private message (user id, message id) this action answers, if it answers one.
        self.source = source

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute a write and return lastrowid (inserts) or rowcount (updates/deletes)."""
        async with self._db.execute(sql, tuple(params)) as cursor:
            if sql.lstrip().upper().startswith("INSERT"):
                return int(cursor.lastrowid or 0)
            return int(cursor.rowcount)
