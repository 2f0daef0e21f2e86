"""The outbox: messages the bot owes someone, written in the transaction that decided them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.effects import Effect, Text, from_row, to_row

from .base import TxBase, ts_precise

# Rows held for a principal who has no private chat with the bot yet: pending, not before the
# far future, so later rows to that chat keep their order behind them.
HELD = "held: no private chat yet"
HELD_UNTIL = "9999-12-31T00:00:00.000000+00:00"


@dataclass(frozen=True)
class OutboxRow:
    """One pending message with its delivery bookkeeping."""

    id: int
    team_id: int | None
    effect: Effect
    attempts: int


class OutboxQueries(TxBase):
    """Writing, claiming and settling outbox rows; the living messages' ids."""

    async def enqueue(self, effect: Effect, team_id: int | None = None) -> int:
        """Owe a message: a row in this transaction, sent by the deliverer after COMMIT.

        A new row for a living message replaces pending rows of the same key (only the newest
        text matters), unless it asks for a fresh message.
        """
        kind, payload, blob = to_row(effect)
        living = effect.living if isinstance(effect, Text) else None
        fresh = isinstance(effect, Text) and effect.fresh
        if living is not None and not fresh:
            await self._run(
                "UPDATE outbox SET status = 'superseded', payload = '{}', done_at = ?"
                " WHERE chat_id = ? AND living_key = ? AND status = 'pending'",
                (ts_precise(self.now), effect.chat_id, living),
            )
        return await self._run(
            "INSERT INTO outbox (team_id, chat_id, kind, living_key, batch, payload, blob,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                team_id,
                effect.chat_id,
                kind,
                living,
                effect.batch,
                payload,
                blob,
                ts_precise(self.now),
            ),
        )

    async def enqueue_all(self, effects: list[Effect], team_id: int | None = None) -> None:
        """Owe several messages, in this order."""
        for effect in effects:
            await self.enqueue(effect, team_id)

    async def pending_outbox(self, now: datetime, limit: int = 200) -> list[OutboxRow]:
        """Pending rows whose time has come, oldest first."""
        rows = await self._all(
            "SELECT * FROM outbox WHERE status = 'pending'"
            " AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?",
            (ts_precise(now), limit),
        )
        return [
            OutboxRow(
                int(row["id"]),
                row["team_id"],
                from_row(
                    row["kind"],
                    int(row["chat_id"]),
                    row["payload"],
                    row["blob"],
                    row["living_key"],
                    row["batch"],
                ),
                int(row["attempts"]),
            )
            for row in rows
        ]

    async def waiting_chats(self, now: datetime) -> set[int]:
        """Chats with a pending row that must wait (a retry later): later rows wait too."""
        rows = await self._all(
            "SELECT DISTINCT chat_id FROM outbox WHERE status = 'pending' AND not_before > ?",
            (ts_precise(now),),
        )
        return {int(row["chat_id"]) for row in rows}

    async def settle(self, row_id: int, status: str, message_id: int | None = None,
                     error: str | None = None) -> None:  # fmt: skip
        """Mark a row done (sent, unreachable, failed, skipped); its contents are emptied."""
        await self._run(
            "UPDATE outbox SET status = ?, message_id = ?, error = ?, payload = '{}',"
            " blob = NULL, done_at = ? WHERE id = ? AND status = 'pending'",
            (status, message_id, error, ts_precise(self.now), row_id),
        )

    async def retry_later(self, row_id: int, not_before: datetime, error: str) -> int:
        """A failure worth another try: the row waits; returns the attempts so far."""
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
            (ts_precise(not_before), error, row_id),
        )
        row = await self._one("SELECT attempts FROM outbox WHERE id = ?", (row_id,))
        return int(row["attempts"]) if row else 0

    async def batch_counts(self, batch: str, before: int) -> tuple[int, int]:
        """(rows of the batch before this row still pending, those that could not be reached)."""
        row = await self._one(
            "WITH held AS (SELECT DISTINCT chat_id FROM outbox WHERE status = 'pending'"
            " AND error = ?)"
            " SELECT SUM(status = 'pending' AND chat_id NOT IN held) AS pending,"
            " SUM(status = 'unreachable' OR (status = 'pending' AND chat_id IN held))"
            " AS unreachable FROM outbox WHERE batch = ? AND kind != 'notice' AND id < ?",
            (HELD, batch, before),
        )
        if row is None:
            return 0, 0
        return int(row["pending"] or 0), int(row["unreachable"] or 0)

    async def living_message(self, chat_id: int, key: str) -> int | None:
        """The message id behind a living key, if it was sent."""
        row = await self._one(
            "SELECT message_id FROM living_messages WHERE chat_id = ? AND key = ?", (chat_id, key)
        )
        return int(row["message_id"]) if row else None

    async def set_living_message(self, chat_id: int, key: str, message_id: int) -> None:
        """Remember the message behind a living key (the newest one)."""
        await self._run(
            "INSERT INTO living_messages (chat_id, key, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id, key) DO UPDATE SET message_id = excluded.message_id",
            (chat_id, key, message_id),
        )

    async def take_living_message(self, chat_id: int, key: str, message_id: int) -> bool:
        """Forget the key when it names this message; True once (a button that works once)."""
        return (
            await self._run(
                "DELETE FROM living_messages WHERE chat_id = ? AND key = ? AND message_id = ?",
                (chat_id, key, message_id),
            )
            > 0
        )

    async def shown_map(self, chat_id: int, round_id: int) -> int | None:
        """The fingerprint of the round's map as last owed to this chat (None: never)."""
        return await self.living_message(chat_id, f"mapseen:{round_id}")

    async def note_shown_map(self, chat_id: int, round_id: int, fingerprint: int) -> None:
        """Remember which map this chat got last (kept beside the living messages: the key
        names the chat's view of the round's map, the number is the map's fingerprint)."""
        await self.set_living_message(chat_id, f"mapseen:{round_id}", fingerprint)

    async def hold_for_chat(self, row_id: int) -> None:
        """The person has no private chat with the bot yet: the row waits, in order, until they
        start one (release_held)."""
        await self._run(
            "UPDATE outbox SET not_before = ?, error = ? WHERE id = ? AND status = 'pending'",
            (HELD_UNTIL, HELD, row_id),
        )

    async def release_held(self, chat_id: int) -> int:
        """The person started the private chat: what waited for it may go now."""
        return await self._run(
            "UPDATE outbox SET not_before = NULL, error = NULL"
            " WHERE chat_id = ? AND status = 'pending' AND error = ?",
            (chat_id, HELD),
        )

    async def batch_has_notice(self, batch: str) -> bool:
        """True when the batch ends with a notice (it tells the chat about who was missed)."""
        row = await self._one(
            "SELECT 1 FROM outbox WHERE batch = ? AND kind = 'notice' LIMIT 1", (batch,)
        )
        return row is not None

    async def holds_for(self, chat_id: int) -> bool:
        """True while rows wait for this person to start the private chat."""
        row = await self._one(
            "SELECT 1 FROM outbox WHERE chat_id = ? AND status = 'pending' AND error = ?",
            (chat_id, HELD),
        )
        return row is not None

    async def owes(self, chat_id: int, living_key: str) -> bool:
        """True when a living message was sent or is still on its way."""
        if await self.living_message(chat_id, living_key) is not None:
            return True
        row = await self._one(
            "SELECT 1 FROM outbox WHERE chat_id = ? AND living_key = ? AND status = 'pending'",
            (chat_id, living_key),
        )
        return row is not None

    async def forget_chat(self, chat_id: int) -> None:
        """A person asked to be forgotten: nothing still owed to their chat stays behind."""
        await self._run("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))
        await self._run("DELETE FROM living_messages WHERE chat_id = ?", (chat_id,))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: what is owed to it follows."""
        await self._run(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
            (new_chat_id, old_chat_id),
        )
        await self._run(
            "UPDATE living_messages SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )

    async def park_chat(self, chat_id: int, error: str | None) -> bool:
        """The bot is not in this group (removed): its rows wait; True when newly parked."""
        if await self._one("SELECT 1 FROM parked_chats WHERE chat_id = ?", (chat_id,)):
            return False
        await self._run(
            "INSERT INTO parked_chats (chat_id, since, error) VALUES (?, ?, ?)",
            (chat_id, ts_precise(self.now), error),
        )
        return True

    async def unpark_chat(self, chat_id: int) -> bool:
        """The bot is back in this group; True when it was parked."""
        return await self._run("DELETE FROM parked_chats WHERE chat_id = ?", (chat_id,)) > 0

    async def parked_chats(self) -> set[int]:
        """Groups whose rows wait until the bot is back."""
        rows = await self._all("SELECT chat_id FROM parked_chats")
        return {int(row["chat_id"]) for row in rows}

    async def outbox_failures(self, team_id: int) -> int:
        """How many of the team's messages could not be delivered for good."""
        row = await self._one(
            "SELECT COUNT(*) AS n FROM outbox WHERE team_id = ? AND status = 'failed'", (team_id,)
        )
        return int(row["n"]) if row else 0
