"""The low level every query module shares: one open transaction and timestamp helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiosqlite

from storage.records import record

R = TypeVar("R")


def ts(value: datetime) -> str:
    """UTC text to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def ts_precise(value: datetime) -> str:
    """Sortable UTC text with microseconds, for schedule comparisons."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class TxBase:
    """Reads and writes inside one open transaction; `now` is fixed for the whole action."""

    def __init__(
        self, db: sqlite3.Connection, now: datetime, source: tuple[int, int] | None = None
    ) -> None:
        self._db = db
        self.now = now
        # The private message (user id, message id) this action answers, if it answers one.
        self.source = source

    # Plain sqlite3 calls on the loop's thread (see Store); async so that callers stay the same.

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        cursor = self._db.execute(sql, tuple(params))
        try:
            row: aiosqlite.Row | None = cursor.fetchone()
            return row
        finally:
            cursor.close()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return self._db.execute(sql, tuple(params)).fetchall()

    async def _record(self, cls: type[R], sql: str, params: Iterable[Any] = ()) -> R | None:
        """The first row of a query as a typed record, or None."""
        row = await self._one(sql, params)
        return record(cls, row) if row is not None else None

    async def _records(self, cls: type[R], sql: str, params: Iterable[Any] = ()) -> list[R]:
        """Every row of a query as typed records."""
        return [record(cls, row) for row in await self._all(sql, params)]

    async def _returning(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Run an INSERT/UPDATE ... RETURNING and give its (first) row: one statement where a
        write and a SELECT of the written row used to be two."""
        rows: list[aiosqlite.Row] = self._db.execute(sql, tuple(params)).fetchall()
        return rows[0] if rows else None

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute a write and return lastrowid (inserts) or rowcount (updates/deletes)."""
        cursor = self._db.execute(sql, tuple(params))
        try:
            if sql.lstrip().upper().startswith("INSERT"):
                return int(cursor.lastrowid or 0)
            return int(cursor.rowcount)
        finally:
            cursor.close()
