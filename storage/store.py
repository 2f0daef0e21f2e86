"""The Store: every user action runs in one transaction and gets core types back."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiosqlite

from core.edits import SourceKind, SourcePart
from core.merge import Mention
from core.model import (
    Category,
    ConceptAnswer,
    Distance,
    Kind,
    Language,
    Member,
    PostIt,
    Progress,
    Role,
    Round,
    Team,
)
from core.protocol import Typing
from core.records import (
    Absence,
    Addition,
    CardAnswer,
    ClosingAnswer,
    DeepSession,
    EditorState,
    Forgotten,
    MapVersion,
    MemberCheck,
    PersonalData,
    Planned,
    Priority,
    Respondent,
    RespondentAnswers,
    Suggestion,
)
from storage.db import connect, raw_connection
from storage.queries.base import ts, ts_precise
from storage.queries.calendar import CalendarQueries
from storage.queries.commitments import CommitmentQueries
from storage.queries.facilitators import FacilitatorQueries
from storage.queries.look import LookQueries
from storage.queries.notes import NoteQueries
from storage.queries.outbox import OutboxQueries
from storage.queries.placements import PlacementQueries
from storage.records import record

Clock = Callable[[], datetime]
# A database row, or the part of a joined row that belongs to one table.
RowLike = aiosqlite.Row | Mapping[str, Any]
# The columns of an absence record a message can fill (SourcePart.question_id names one).
ABSENCE_FIELDS = frozenset({"description", "why", "steps"})

# The private message (user id, message id) whose handling opened the current transactions.
# Set around a typed message by the handler, so the dialogs can note what that message created
# (Tx.note_source) without every caller passing the message id down; None everywhere else.
_SOURCE_MESSAGE: ContextVar[tuple[int, int] | None] = ContextVar("source_message", default=None)


@contextmanager
def from_message(user_id: int, message_id: int) -> Iterator[None]:
    """Transactions opened inside this block answer this private message."""
    token = _SOURCE_MESSAGE.set((user_id, message_id))
    try:
        yield
    finally:
        _SOURCE_MESSAGE.reset(token)


def utc_now() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


_ts = ts
_ts_precise = ts_precise


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _req_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


# How long a transaction waits for another process's write lock before giving up (the bot
# itself never waits: its transactions take turns on the Store's lock).
BUSY_TIMEOUT = 5.0
# Commits between two checkpoints of the WAL into the database file. SQLite's own automatic
# checkpoint (every 1,000 WAL pages) would run inside a COMMIT on the event loop, with an
# fsync: 5 of 500 commits in bench/update_bench.py took 56 of their 72 ms. About 200 commits
# of a member's actions fill those 1,000 pages.
CHECKPOINT_EVERY = 200

log = logging.getLogger(__name__)


def checkpoint_file(path: str) -> None:
    """Copy what the WAL holds into the database file, on a connection of this thread.

    PASSIVE: it waits for nobody, the bot's own connection goes on reading and writing; what
    a transaction adds meanwhile waits for the next checkpoint.
    """
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


class Store:
    """Owns the database connection; hands out one transaction at a time.

    Statements run directly on the event loop's thread: each takes microseconds (a local file
    in WAL mode, prepared statements cached, no fsync at COMMIT), far less than handing it to
    a thread and back. What could block for long is waiting for another process's write lock,
    so BEGIN never waits inside SQLite: it retries with asyncio.sleep (see _begin).
    """

    def __init__(self, db: aiosqlite.Connection, clock: Clock = utc_now) -> None:
        self._db = db
        self._conn = raw_connection(db)
        # Waiting for a lock is _begin's business; inside SQLite it would block the loop.
        self._conn.execute("PRAGMA busy_timeout = 0")
        # Checkpoints run in a worker thread (see _committed), not inside a COMMIT.
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._path: str = next(
            (row[2] for row in self._conn.execute("PRAGMA database_list") if row[1] == "main"),
            "",
        )
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._clock = clock
        self._lock = asyncio.Lock()
        # People who wrote to the bot since the last transaction (see note_reachable).
        self._reachable: set[int] = set()

    @classmethod
    async def open(cls, path: str | Path, clock: Clock = utc_now) -> Store:
        """Open or create the database file and bring its schema up to date."""
        return cls(await connect(path), clock)

    async def close(self) -> None:
        """Close the connection (all transactions are already committed; closing the last
        connection checkpoints the WAL)."""
        if self._reachable:
            async with self.tx():
                pass  # writes what note_reachable kept for the next transaction
        if self._checkpoint is not None:
            await self._checkpoint
        await self._db.close()

    def _committed(self) -> None:
        """Count a commit; every CHECKPOINT_EVERY commits, checkpoint in a worker thread."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY or self._checkpoint is not None or not self._path:
            return
        self._commits = 0
        self._checkpoint = asyncio.get_running_loop().create_task(self._checkpoint_wal())

    async def _checkpoint_wal(self) -> None:
        try:
            await asyncio.to_thread(checkpoint_file, self._path)
        except sqlite3.Error as exc:
            # Harmless: the WAL keeps everything; the next checkpoint tries again.
            log.warning("checkpoint of %s failed: %s", self._path, exc)
        finally:
            self._checkpoint = None

    async def purge(self) -> bool:
        """Write everything into the database file and empty the WAL (after /vergeetmij).

        With secure_delete the deleted texts are zeroes in the pages the WAL holds; this
        checkpoint copies those pages over the old ones and truncates the WAL, whose older
        frames still held the texts. Runs between transactions (the lock), so no reader of
        this process keeps the WAL in use. False when the WAL could not be emptied.
        """
        if not self._path:
            return True
        if self._checkpoint is not None:
            await self._checkpoint
        async with self._lock:
            self._commits = 0
            row = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return row is not None and int(row[0]) == 0

    def note_reachable(self, user_id: int) -> None:
        """This person wrote or tapped in their private chat, so they can be reached again.

        Written by the next transaction, before anything else in it: normally the one of the
        action the person just took, so an update costs no transaction of its own for this.
        """
        self._reachable.add(user_id)

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call back with every SQL statement SQLite runs (benchmarks count them); None stops.

        It costs microseconds per statement (SQLite expands the parameters into the text)."""
        self._conn.set_trace_callback(callback)

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        """One transaction: committed when the block ends, rolled back on any error."""
        async with self._lock:
            await self._begin()
            reachable, self._reachable = self._reachable, set()
            try:
                tx = Tx(self._conn, self._clock(), _SOURCE_MESSAGE.get())
                for user_id in reachable:
                    await tx.mark_reachable(user_id)
                yield tx
                self._conn.execute("COMMIT")
                self._committed()
            except BaseException:
                # Also after a failed COMMIT, which leaves the transaction open.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                self._reachable |= reachable  # the next transaction tries again
                raise

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE; while another process writes, try again after a short sleep."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT
        delay = 0.001
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or loop.time() > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


class Tx(
    OutboxQueries,
    FacilitatorQueries,
    CommitmentQueries,
    NoteQueries,
    LookQueries,
    PlacementQueries,
    CalendarQueries,
):
    """Reads and writes inside one open transaction; `now` is fixed for the whole action."""

    # -- teams -----------------------------------------------------------------------------

    @staticmethod
    def _team(row: RowLike) -> Team:
        return Team(
            id=row["id"],
            chat_id=row["chat_id"],
            school_name=row["school_name"],
            language=Language(row["language"]),
            principal_user_id=row["principal_user_id"],
            name_prompt_message_id=row["name_prompt_message_id"],
            created_at=_req_dt(row["created_at"]),
            colour_blind=bool(row["colour_blind"]),
            show_names=bool(row["show_names"]),
            timezone=row["timezone"],
            send_days=row["send_days"],
        )

    async def team_by_chat(self, chat_id: int) -> Team | None:
        """The team registered for a group chat, if any."""
        row = await self._one("SELECT * FROM teams WHERE chat_id = ?", (chat_id,))
        return self._team(row) if row else None

    async def team(self, team_id: int) -> Team:
        """The team with this id (it must exist)."""
        row = await self._one("SELECT * FROM teams WHERE id = ?", (team_id,))
        if row is None:
            raise LookupError(f"no team {team_id}")
        return self._team(row)

    async def create_team(self, chat_id: int, principal_user_id: int, language: Language) -> Team:
        """Register a group as a team with the sender as principal."""
        team_id = await self._run(
            "INSERT INTO teams (chat_id, language, principal_user_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (chat_id, language.value, principal_user_id, _ts(self.now)),
        )
        return await self.team(team_id)

    async def set_name_prompt(self, team_id: int, message_id: int) -> None:
        """Remember which bot message the school's name must be a reply to."""
        await self._run(
            "UPDATE teams SET name_prompt_message_id = ? WHERE id = ?", (message_id, team_id)
        )

    async def set_school_name(self, team_id: int, name: str) -> None:
        """Store the school's name; the team is ready from now on."""
        await self._run("UPDATE teams SET school_name = ? WHERE id = ?", (name, team_id))

    async def set_language(self, team_id: int, language: Language) -> None:
        """Change the team's language setting."""
        await self._run("UPDATE teams SET language = ? WHERE id = ?", (language.value, team_id))

    async def teams_led_by(self, user_id: int) -> list[Team]:
        """Teams this person facilitates (as principal, or handed the role), newest first."""
        rows = await self._all(
            "SELECT * FROM teams WHERE principal_user_id = ?"
            " OR id IN (SELECT team_id FROM facilitators WHERE user_id = ?) ORDER BY id DESC",
            (user_id, user_id),
        )
        return [self._team(row) for row in rows]

    async def latest_round_of(self, team_id: int) -> Round | None:
        """The team's open round, or else its most recent one."""
        row = await self._one(
            "SELECT * FROM rounds WHERE team_id = ? ORDER BY closed_at IS NULL DESC, id DESC",
            (team_id,),
        )
        return self._round(row) if row else None

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Follow a group that Telegram upgraded to a supergroup (new chat id)."""
        await self._run(
            "UPDATE teams SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )
        await self.move_chat(old_chat_id, new_chat_id)

    # -- rounds ----------------------------------------------------------------------------

    @staticmethod
    def _round(row: RowLike) -> Round:
        return Round(
            id=row["id"],
            team_id=row["team_id"],
            number=row["number"],
            token=row["token"],
            step=row["step"],
            opened_at=_req_dt(row["opened_at"]),
            closed_at=_dt(row["closed_at"]),
            progress_message_id=row["progress_message_id"],
            intro_posted_at=_dt(row["intro_posted_at"]),
            intro_shared_upto=row["intro_shared_upto"],
        )

    async def round(self, round_id: int) -> Round:
        """The round with this id (it must exist)."""
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        if row is None:
            raise LookupError(f"no round {round_id}")
        return self._round(row)

    async def newest_round(self) -> Round:
        """The round opened last in this database (one team: the simulation's)."""
        row = await self._one("SELECT * FROM rounds ORDER BY id DESC LIMIT 1")
        if row is None:
            raise LookupError("no round yet")
        return self._round(row)

    async def round_exists(self, round_id: int) -> bool:
        """True when a round with this id exists."""
        return await self._one("SELECT 1 FROM rounds WHERE id = ?", (round_id,)) is not None

    async def open_round_of(self, team_id: int) -> Round | None:
        """The team's open round, if there is one."""
        row = await self._one(
            "SELECT * FROM rounds WHERE team_id = ? AND closed_at IS NULL", (team_id,)
        )
        return self._round(row) if row else None

    async def open_rounds(self) -> list[Round]:
        """Every team's open round (warming the merge at start-up)."""
        rows = await self._all("SELECT * FROM rounds WHERE closed_at IS NULL ORDER BY id")
        return [self._round(row) for row in rows]

    async def round_by_token(self, token: str) -> Round | None:
        """The round a deep-link payload belongs to."""
        row = await self._one("SELECT * FROM rounds WHERE token = ?", (token,))
        return self._round(row) if row else None

    async def open_round(self, team_id: int, token: str, step: str) -> Round:
        """Open the team's next round; the database refuses a second open round."""
        row = await self._one(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM rounds WHERE team_id = ?", (team_id,)
        )
        number = int(row["n"]) if row else 1
        round_id = await self._run(
            "INSERT INTO rounds (team_id, number, token, step, opened_at) VALUES (?, ?, ?, ?, ?)",
            (team_id, number, token, step, _ts(self.now)),
        )
        return await self.round(round_id)

    async def set_round_step(self, round_id: int, step: str) -> None:
        """Move a round to another protocol step."""
        await self._run("UPDATE rounds SET step = ? WHERE id = ?", (step, round_id))

    async def close_round(self, round_id: int) -> None:
        """Mark a round closed (no longer open for the team)."""
        await self._run(
            "UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (_ts(self.now), round_id),
        )

    async def progress(self, round_id: int) -> Progress:
        """How many members joined and finished: counts only."""
        row = await self._one(
            "SELECT COUNT(*) AS joined, COUNT(finished_at) AS finished"
            " FROM members WHERE round_id = ? AND left_at IS NULL",
            (round_id,),
        )
        assert row is not None
        return Progress(joined=row["joined"], finished=row["finished"])

    # -- members ---------------------------------------------------------------------------

    @staticmethod
    def _member(row: RowLike) -> Member:
        return Member(
            id=row["id"],
            round_id=row["round_id"],
            user_id=row["user_id"],
            first_name=row["first_name"],
            role=Role(row["role"]) if row["role"] else None,
            function=row["function"],
            stage=row["stage"],
            current_postit_id=row["current_postit_id"],
            screen_seq=row["screen_seq"],
            finished_at=_dt(row["finished_at"]),
            joined_at=_req_dt(row["joined_at"]),
            deep_node_key=row["deep_node_key"],
            deep_card=row["deep_card"],
            closing_question=row["closing_question"],
            absence_id=row["absence_id"],
            left_at=_dt(row["left_at"]),
        )

    async def member(self, member_id: int) -> Member | None:
        """The member with this id, if it still exists."""
        row = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        return self._member(row) if row else None

    async def member_in_context(self, member_id: int) -> tuple[Member, Round, Team] | None:
        """The member with their round and team, in one statement (every member action
        starts with these three)."""
        cursor = self._db.execute(
            "SELECT m.*, r.*, t.* FROM members m JOIN rounds r ON r.id = m.round_id"
            " JOIN teams t ON t.id = r.team_id WHERE m.id = ?",
            (member_id,),
        )
        try:
            row = cursor.fetchone()
            if row is None:
                return None
            names = [column[0] for column in cursor.description]
        finally:
            cursor.close()
        # The three tables' columns follow each other; each starts with its own "id".
        starts = [index for index, name in enumerate(names) if name == "id"]
        if len(starts) != 3:
            raise RuntimeError(f"unexpected columns in a member's context: {names}")
        parts = [
            dict(zip(names[a:b], tuple(row)[a:b], strict=True))
            for a, b in zip(starts, [*starts[1:], len(names)], strict=True)
        ]
        return self._member(parts[0]), self._round(parts[1]), self._team(parts[2])

    async def member_of(self, round_id: int, user_id: int) -> Member | None:
        """This person's membership of a round, if they joined."""
        row = await self._one(
            "SELECT * FROM members WHERE round_id = ? AND user_id = ?", (round_id, user_id)
        )
        return self._member(row) if row else None

    async def members(self, round_id: int) -> list[Member]:
        """All members of a round in the order they joined."""
        rows = await self._all("SELECT * FROM members WHERE round_id = ? ORDER BY id", (round_id,))
        return [self._member(row) for row in rows]

    async def present_members(self, round_id: int) -> list[Member]:
        """The members of a round still in the team's group, in the order they joined (who is
        counted, asked and reminded; contributions of the others stay, see `members`)."""
        rows = await self._all(
            "SELECT * FROM members WHERE round_id = ? AND left_at IS NULL ORDER BY id", (round_id,)
        )
        return [self._member(row) for row in rows]

    async def mark_left(self, team_id: int, user_id: int) -> list[int]:
        """This person is no longer in the team's group; the rounds where that changed."""
        rows = await self._all(
            "UPDATE members SET left_at = ? WHERE user_id = ? AND left_at IS NULL"
            " AND round_id IN (SELECT id FROM rounds WHERE team_id = ?) RETURNING round_id",
            (_ts(self.now), user_id, team_id),
        )
        return [int(row["round_id"]) for row in rows]

    async def mark_back(self, team_id: int, user_id: int) -> list[int]:
        """This person is in the team's group again; the rounds where that changed."""
        rows = await self._all(
            "UPDATE members SET left_at = NULL, left_told_at = NULL WHERE user_id = ?"
            " AND left_at IS NOT NULL AND round_id IN (SELECT id FROM rounds WHERE team_id = ?)"
            " RETURNING round_id",
            (user_id, team_id),
        )
        return [int(row["round_id"]) for row in rows]

    async def tell_left_once(self, team_id: int, user_id: int) -> bool:
        """True the first time a person who left the team's group is to be told so."""
        return (
            await self._run(
                "UPDATE members SET left_told_at = ? WHERE user_id = ? AND left_at IS NOT NULL"
                " AND left_told_at IS NULL AND round_id IN (SELECT id FROM rounds"
                " WHERE team_id = ?)",
                (_ts(self.now), user_id, team_id),
            )
            > 0
        )

    async def set_principal(self, team_id: int, user_id: int) -> None:
        """Another person of the group takes over the role of conversation leader."""
        await self._run("UPDATE teams SET principal_user_id = ? WHERE id = ?", (user_id, team_id))

    async def add_member(self, round_id: int, user_id: int, first_name: str, stage: str) -> Member:
        """Add a person to a round and make it their active membership for direct messages."""
        row = await self._returning(
            "INSERT INTO members (round_id, user_id, first_name, stage, joined_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *",
            (round_id, user_id, first_name, stage, _ts(self.now)),
        )
        assert row is not None
        member = self._member(row)
        await self.set_active_member(user_id, member.id)
        return member

    async def set_active_member(self, user_id: int, member_id: int) -> None:
        """Route this person's direct messages to the given membership."""
        await self._run(
            "INSERT INTO people (user_id, active_member_id) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET active_member_id = excluded.active_member_id",
            (user_id, member_id),
        )

    async def active_member(self, user_id: int) -> Member | None:
        """The membership this person's direct messages belong to."""
        row = await self._one(
            "SELECT m.* FROM people p JOIN members m ON m.id = p.active_member_id"
            " WHERE p.user_id = ?",
            (user_id,),
        )
        return self._member(row) if row else None

    async def update_member(self, member_id: int, **fields: Any) -> Member:
        """Change some of a member's columns and return the updated member."""
        allowed = {"role", "function", "stage", "current_postit_id", "finished_at", "first_name",
                   "deep_node_key", "deep_card", "closing_question", "absence_id"}  # fmt: skip
        row = await self._update("members", allowed, member_id, fields)
        assert row is not None
        return self._member(row)

    async def bump_screen(self, member_id: int) -> int:
        """Start a new screen for the member; buttons of older screens become stale."""
        row = await self._returning(
            "UPDATE members SET screen_seq = screen_seq + 1 WHERE id = ? RETURNING screen_seq",
            (member_id,),
        )
        assert row is not None
        return int(row["screen_seq"])

    # -- step 1 answers --------------------------------------------------------------------

    async def add_answer(self, member_id: int, question_id: str, text: str) -> ConceptAnswer:
        """Append a message to the member's answer (answers may span several messages)."""
        row = await self._returning(
            "INSERT INTO concept_answers (member_id, question_id, text, updated_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id, question_id)"
            " DO UPDATE SET text = text || char(10) || excluded.text,"
            " updated_at = excluded.updated_at RETURNING member_id, question_id, text",
            (member_id, question_id, text, _ts(self.now)),
        )
        assert row is not None
        return ConceptAnswer(row["member_id"], row["question_id"], row["text"])

    async def clear_answer(self, member_id: int, question_id: str) -> None:
        """Remove a member's answer so they can write it again."""
        await self._run(
            "DELETE FROM concept_answers WHERE member_id = ? AND question_id = ?",
            (member_id, question_id),
        )
        await self._forget_answer_sources(
            SourceKind.CONCEPT, member_id=member_id, question_id=question_id
        )

    async def answers(self, member_id: int) -> list[ConceptAnswer]:
        """The member's answers to the introduction questions."""
        rows = await self._all(
            "SELECT * FROM concept_answers WHERE member_id = ? ORDER BY question_id", (member_id,)
        )
        return [ConceptAnswer(r["member_id"], r["question_id"], r["text"]) for r in rows]

    # -- post-its --------------------------------------------------------------------------

    @staticmethod
    def _postit(row: aiosqlite.Row) -> PostIt:
        return PostIt(
            id=row["id"],
            member_id=row["member_id"],
            text=row["text"],
            kind=Kind(row["kind"]) if row["kind"] else None,
            category=Category(row["category"]) if row["category"] else None,
            distance=Distance(row["distance"]) if row["distance"] is not None else None,
            position=row["position"],
            classified=bool(row["classified"]),
            created_at=_req_dt(row["created_at"]),
        )

    async def postit(self, postit_id: int) -> PostIt | None:
        """One post-it, if it still exists."""
        row = await self._one("SELECT * FROM postits WHERE id = ?", (postit_id,))
        return self._postit(row) if row else None

    async def postits(self, member_id: int) -> list[PostIt]:
        """A member's post-its in the order they were written."""
        rows = await self._all(
            "SELECT * FROM postits WHERE member_id = ? ORDER BY position, id", (member_id,)
        )
        return [self._postit(row) for row in rows]

    async def has_placed_a_partner(self, member_id: int) -> bool:
        """True once the member gave one of their post-its a distance."""
        row = await self._one(
            "SELECT 1 FROM postits WHERE member_id = ? AND distance IS NOT NULL LIMIT 1",
            (member_id,),
        )
        return row is not None

    async def postit_count(self, member_id: int) -> int:
        """How many post-its the member wrote (without reading them all)."""
        row = await self._one("SELECT COUNT(*) FROM postits WHERE member_id = ?", (member_id,))
        return int(row[0]) if row else 0

    async def postit_by_norm(self, member_id: int, norm: str) -> PostIt | None:
        """The member's post-it with the same normalised name, if any."""
        row = await self._one(
            "SELECT * FROM postits WHERE member_id = ? AND norm = ?", (member_id, norm)
        )
        return self._postit(row) if row else None

    async def add_postit(self, member_id: int, text: str, norm: str) -> PostIt:
        """Add a post-it at the end of the member's list, not yet classified."""
        row = await self._returning(
            "INSERT INTO postits (member_id, text, norm, position, created_at, updated_at)"
            " SELECT ?, ?, ?, COALESCE(MAX(position), 0) + 1, ?, ? FROM postits"
            " WHERE member_id = ? RETURNING *",
            (member_id, text, norm, _ts(self.now), _ts(self.now), member_id),
        )
        assert row is not None
        return self._postit(row)

    async def update_postit(self, postit_id: int, **fields: Any) -> PostIt:
        """Change some of a post-it's fields and return it."""
        allowed = {"text", "norm", "kind", "category", "distance", "classified"}
        row = await self._update("postits", allowed, postit_id, {**fields, "updated_at": self.now})
        assert row is not None
        return self._postit(row)

    async def delete_postit(self, postit_id: int) -> bool:
        """Delete a post-it; False when it was already gone."""
        return await self._run("DELETE FROM postits WHERE id = ?", (postit_id,)) > 0

    async def next_unclassified(self, member_id: int) -> PostIt | None:
        """The oldest post-it whose kind/category/distance questions were not yet asked."""
        row = await self._one(
            "SELECT * FROM postits WHERE member_id = ? AND classified = 0"
            " ORDER BY position, id LIMIT 1",
            (member_id,),
        )
        return self._postit(row) if row else None

    # -- the team map (2B, 2C) -------------------------------------------------------------

    async def mentions(self, round_id: int) -> list[Mention]:
        """Every post-it of the round with its writer's role: the input of the merge."""
        rows = await self._all(
            "SELECT p.*, m.role AS member_role FROM postits p"
            " JOIN members m ON m.id = p.member_id WHERE m.round_id = ? ORDER BY p.id",
            (round_id,),
        )
        return [
            Mention(
                postit_id=row["id"],
                member_id=row["member_id"],
                role=Role(row["member_role"]) if row["member_role"] else None,
                text=row["text"],
                kind=Kind(row["kind"]) if row["kind"] else None,
                category=Category(row["category"]) if row["category"] else None,
                distance=Distance(row["distance"]) if row["distance"] is not None else None,
            )
            for row in rows
        ]

    async def decisions(self, round_id: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The principal's merge decisions: (joined pairs, kept-apart pairs) of name keys."""
        rows = await self._all(
            "SELECT key_a, key_b, decision FROM merge_decisions WHERE round_id = ?"
            " ORDER BY decided_at, key_a, key_b",
            (round_id,),
        )
        joined = [(r["key_a"], r["key_b"]) for r in rows if r["decision"] == "merge"]
        apart = [(r["key_a"], r["key_b"]) for r in rows if r["decision"] == "apart"]
        return joined, apart

    async def decide(self, round_id: int, key_a: str, key_b: str, decision: str) -> None:
        """Record that two partners are the same ('merge') or different ('apart')."""
        a, b = sorted((key_a, key_b))
        await self._run(
            "INSERT INTO merge_decisions (round_id, key_a, key_b, decision, decided_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, key_a, key_b)"
            " DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at",
            (round_id, a, b, decision, _ts(self.now)),
        )

    async def add_suggestion(
        self, round_id: int, key_a: str, key_b: str, label_a: str, label_b: str
    ) -> int | None:
        """Store a suggestion once; returns its id, or None when it was already asked."""
        a, b = sorted((key_a, key_b))
        labels = (label_a, label_b) if (a, b) == (key_a, key_b) else (label_b, label_a)
        existing = await self._one(
            "SELECT id FROM suggestions WHERE round_id = ? AND key_a = ? AND key_b = ?",
            (round_id, a, b),
        )
        if existing:
            return None
        return await self._run(
            "INSERT INTO suggestions (round_id, key_a, key_b, label_a, label_b)"
            " VALUES (?, ?, ?, ?, ?)",
            (round_id, a, b, *labels),
        )

    async def suggestion(self, suggestion_id: int) -> Suggestion | None:
        """One suggestion row (round_id, keys, labels, status)."""
        return await self._record(
            Suggestion, "SELECT * FROM suggestions WHERE id = ?", (suggestion_id,)
        )

    async def open_suggestions(self, round_id: int) -> list[Suggestion]:
        """Suggestions the principal has not answered yet."""
        return await self._records(
            Suggestion,
            "SELECT * FROM suggestions WHERE round_id = ? AND status = 'open' ORDER BY id",
            (round_id,),
        )

    async def answer_suggestion(self, suggestion_id: int, status: str) -> bool:
        """Answer an open suggestion; False when it was already answered (double tap)."""
        row = await self.suggestion(suggestion_id)
        if row is None or row.status != "open":
            return False
        await self._run("UPDATE suggestions SET status = ? WHERE id = ?", (status, suggestion_id))
        await self.decide(row.round_id, row.key_a, row.key_b, status)
        return True

    async def set_priority(self, member_id: int, round_id: int, node_key: str) -> None:
        """The member's one priority partner (a new pick replaces the old one and its reason)."""
        await self._run(
            "INSERT INTO priorities (member_id, round_id, node_key, chosen_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id) DO UPDATE SET node_key = excluded.node_key,"
            " reason = NULL, chosen_at = excluded.chosen_at",
            (member_id, round_id, node_key, _ts(self.now)),
        )
        # A new pick starts without a reason: an edit of the old reason's message changes nothing.
        await self._forget_answer_sources(SourceKind.REASON, member_id=member_id)

    async def set_priority_reason(self, member_id: int, reason: str | None) -> None:
        """The optional one-line reason for the member's pick."""
        await self._run("UPDATE priorities SET reason = ? WHERE member_id = ?", (reason, member_id))

    async def priority(self, member_id: int) -> Priority | None:
        """The member's pick, if any."""
        return await self._record(
            Priority, "SELECT * FROM priorities WHERE member_id = ?", (member_id,)
        )

    async def priorities(self, round_id: int) -> list[tuple[Role | None, str, str | None]]:
        """Every pick of the round as (role, node key, reason), no member ids."""
        rows = await self._all(
            "SELECT m.role, p.node_key, p.reason FROM priorities p"
            " JOIN members m ON m.id = p.member_id WHERE p.round_id = ? ORDER BY p.member_id",
            (round_id,),
        )
        return [(Role(r["role"]) if r["role"] else None, r["node_key"], r["reason"]) for r in rows]

    async def add_link(self, round_id: int, member_id: int, key_a: str, key_b: str) -> bool:
        """A line between two partners; False when this member already drew it."""
        a, b = sorted((key_a, key_b))
        exists = await self._one(
            "SELECT 1 FROM links WHERE round_id = ? AND member_id = ? AND key_a = ? AND key_b = ?",
            (round_id, member_id, a, b),
        )
        if exists:
            return False
        await self._run(
            "INSERT INTO links (round_id, member_id, key_a, key_b, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (round_id, member_id, a, b, _ts(self.now)),
        )
        return True

    async def links(self, round_id: int) -> list[tuple[str, str]]:
        """All lines of the round as pairs of name keys (duplicates across members removed)."""
        rows = await self._all(
            "SELECT DISTINCT key_a, key_b FROM links WHERE round_id = ? ORDER BY key_a, key_b",
            (round_id,),
        )
        return [(r["key_a"], r["key_b"]) for r in rows]

    async def set_override(self, round_id: int, node_key: str, field: str, value: str) -> None:
        """The principal's own value for a node's label, category or distance."""
        await self._run(
            "INSERT INTO node_overrides (round_id, node_key, field, value, set_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, node_key, field)"
            " DO UPDATE SET value = excluded.value, set_at = excluded.set_at",
            (round_id, node_key, field, value, _ts(self.now)),
        )

    async def overrides(self, round_id: int) -> list[tuple[str, str, str]]:
        """Every override of the round as (node key, field, value), oldest first."""
        rows = await self._all(
            "SELECT node_key, field, value FROM node_overrides WHERE round_id = ?"
            " ORDER BY set_at, node_key, field",
            (round_id,),
        )
        return [(r["node_key"], r["field"], r["value"]) for r in rows]

    async def typing_into(self, user_id: int) -> set[Typing]:
        """The conversations (other than the member's own dialog) that wait for this person's
        next typed message, in one statement."""
        row = await self._one(
            "SELECT EXISTS (SELECT 1 FROM editors WHERE user_id = ? AND stage = 'rename'),"
            " EXISTS (SELECT 1 FROM commitment_input WHERE user_id = ?),"
            " EXISTS (SELECT 1 FROM note_writing WHERE user_id = ?),"
            " EXISTS (SELECT 1 FROM people p JOIN mc_respondents r"
            "  ON r.id = p.active_respondent_id JOIN member_checks c ON c.id = r.check_id"
            "  WHERE p.user_id = ? AND c.closed_at IS NULL AND r.finished_at IS NULL)",
            (user_id,) * 4,
        )
        assert row is not None
        order = (Typing.RENAME, Typing.COMMITMENT, Typing.NOTE, Typing.SURVEY)
        return {typing for typing, waiting in zip(order, tuple(row), strict=True) if waiting}

    async def editor(self, user_id: int) -> EditorState | None:
        """The principal's map-editor state, if they opened /bewerk."""
        return await self._record(
            EditorState, "SELECT * FROM editors WHERE user_id = ?", (user_id,)
        )

    async def open_editor(self, user_id: int, round_id: int) -> int:
        """Start (or restart) the map editor for a round; returns the new screen number."""
        row = await self._returning(
            "INSERT INTO editors (user_id, round_id) VALUES (?, ?) ON CONFLICT (user_id)"
            " DO UPDATE SET round_id = excluded.round_id, stage = 'browse', node_key = NULL,"
            " screen_seq = screen_seq + 1 RETURNING screen_seq",
            (user_id, round_id),
        )
        assert row is not None
        return int(row["screen_seq"])

    async def update_editor(self, user_id: int, stage: str, node_key: str | None) -> int:
        """Move the editor to another stage; returns the new screen number."""
        row = await self._returning(
            "UPDATE editors SET stage = ?, node_key = ?, screen_seq = screen_seq + 1"
            " WHERE user_id = ? RETURNING screen_seq",
            (stage, node_key, user_id),
        )
        assert row is not None
        return int(row["screen_seq"])

    async def mark_intro_posted(self, round_id: int) -> None:
        """Record that step 1's answers of everyone who joined so far went to the group."""
        await self._run(
            "UPDATE rounds SET intro_posted_at = COALESCE(intro_posted_at, ?),"
            " intro_shared_upto = (SELECT MAX(id) FROM members WHERE round_id = ?) WHERE id = ?",
            (_ts(self.now), round_id, round_id),
        )

    async def set_show_names(self, team_id: int, on: bool) -> None:
        """Whether shared answers carry first names (else 'deelnemer 1..n')."""
        await self._run("UPDATE teams SET show_names = ? WHERE id = ?", (int(on), team_id))

    # -- step 3: deep conversation -----------------------------------------------------------

    async def deep_session(self, round_id: int, *statuses: str) -> DeepSession | None:
        """The round's newest deep session with one of these statuses."""
        marks = ", ".join("?" for _ in statuses)
        return await self._record(
            DeepSession,
            f"SELECT * FROM deep_sessions WHERE round_id = ? AND status IN ({marks})"
            " ORDER BY id DESC LIMIT 1",
            (round_id, *statuses),
        )

    async def draft_deep_session(self, round_id: int) -> int:
        """The draft session the principal is choosing partners for (created when needed)."""
        row = await self.deep_session(round_id, "draft")
        if row is not None:
            return int(row.id)
        return await self._run(
            "INSERT INTO deep_sessions (round_id, created_at) VALUES (?, ?)",
            (round_id, _ts(self.now)),
        )

    async def deep_partners(self, session_id: int) -> list[tuple[str, str]]:
        """(node key, label) of a session's partners, in the order they were chosen."""
        rows = await self._all(
            "SELECT node_key, label FROM deep_partners WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        )
        return [(r["node_key"], r["label"]) for r in rows]

    async def toggle_deep_partner(self, session_id: int, node_key: str, label: str) -> bool:
        """Add or remove a partner of a draft session; True when it is now chosen."""
        removed = await self._run(
            "DELETE FROM deep_partners WHERE session_id = ? AND node_key = ?",
            (session_id, node_key),
        )
        if removed:
            return False
        await self._run(
            "INSERT INTO deep_partners (session_id, node_key, label) VALUES (?, ?, ?)",
            (session_id, node_key, label),
        )
        return True

    async def set_deep_status(self, session_id: int, status: str) -> None:
        """Open or close a deep session."""
        column = "opened_at" if status == "open" else "closed_at"
        await self._run(
            f"UPDATE deep_sessions SET status = ?, {column} = ? WHERE id = ?",
            (status, _ts(self.now), session_id),
        )

    async def discussed_keys(self, round_id: int) -> set[str]:
        """Node keys already discussed in an open or closed session of the round."""
        rows = await self._all(
            "SELECT p.node_key FROM deep_partners p JOIN deep_sessions s ON s.id = p.session_id"
            " WHERE s.round_id = ? AND s.status IN ('open', 'closed')",
            (round_id,),
        )
        return {r["node_key"] for r in rows}

    async def add_card_answer(
        self, member_id: int, session_id: int, node_key: str, card_id: str, text: str
    ) -> str:
        """Append a message to the member's answer on a card for a partner; returns the answer."""
        row = await self._returning(
            "INSERT INTO card_answers (member_id, session_id, node_key, card_id, text, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, session_id, node_key, card_id)"
            " DO UPDATE SET text = text || char(10) || excluded.text,"
            " updated_at = excluded.updated_at RETURNING text",
            (member_id, session_id, node_key, card_id, text, _ts(self.now)),
        )
        assert row is not None
        return str(row["text"])

    async def clear_card_answer(
        self, member_id: int, session_id: int, node_key: str, card_id: str
    ) -> None:
        """Remove a member's answer on a card (to write it again)."""
        await self._run(
            "DELETE FROM card_answers WHERE member_id = ? AND session_id = ? AND node_key = ?"
            " AND card_id = ?",
            (member_id, session_id, node_key, card_id),
        )
        await self._forget_answer_sources(
            SourceKind.CARD,
            member_id=member_id,
            session_id=session_id,
            node_key=node_key,
            question_id=card_id,
        )

    async def card_answers(self, session_id: int, member_id: int | None = None) -> list[CardAnswer]:
        """Answers of a session (of one member, or everyone), in the members' join order."""
        if member_id is None:
            return await self._records(
                CardAnswer,
                "SELECT * FROM card_answers WHERE session_id = ? ORDER BY member_id, card_id",
                (session_id,),
            )
        return await self._records(
            CardAnswer,
            "SELECT * FROM card_answers WHERE session_id = ? AND member_id = ? ORDER BY card_id",
            (session_id, member_id),
        )

    # -- step 4: closing ---------------------------------------------------------------------

    async def add_closing_answer(self, member_id: int, question_id: str, text: str) -> str:
        """Append a message to a member's answer on a closing question; returns the answer."""
        row = await self._returning(
            "INSERT INTO closing_answers (member_id, question_id, text, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (member_id, question_id)"
            " DO UPDATE SET text = text || char(10) || excluded.text,"
            " updated_at = excluded.updated_at RETURNING text",
            (member_id, question_id, text, _ts(self.now)),
        )
        assert row is not None
        return str(row["text"])

    async def closing_answers(self, round_id: int) -> list[ClosingAnswer]:
        """Every closing answer of the round (member_id, question_id, text)."""
        return await self._records(
            ClosingAnswer,
            "SELECT c.* FROM closing_answers c JOIN members m ON m.id = c.member_id"
            " WHERE m.round_id = ? ORDER BY c.member_id, c.question_id",
            (round_id,),
        )

    async def add_absence(self, round_id: int, member_id: int, description: str) -> int:
        """Start an absence record with what is missing."""
        return await self._run(
            "INSERT INTO absences (round_id, member_id, description, created_at)"
            " VALUES (?, ?, ?, ?)",
            (round_id, member_id, description, _ts(self.now)),
        )

    async def update_absence(self, absence_id: int, field: str, value: str) -> None:
        """Add why it was not named, or the steps to fill the gap."""
        if field not in {"why", "steps"}:
            raise ValueError(field)
        await self._run(f"UPDATE absences SET {field} = ? WHERE id = ?", (value, absence_id))

    async def absences(self, round_id: int, member_id: int | None = None) -> list[Absence]:
        """Absences of the round (or of one member), oldest first."""
        if member_id is None:
            return await self._records(
                Absence, "SELECT * FROM absences WHERE round_id = ? ORDER BY id", (round_id,)
            )
        return await self._records(
            Absence,
            "SELECT * FROM absences WHERE round_id = ? AND member_id = ? ORDER BY id",
            (round_id, member_id),
        )

    # -- step 5: kept versions ---------------------------------------------------------------

    async def add_map_version(
        self,
        team_id: int,
        round_id: int,
        snapshot_json: str,
        png: bytes,
        report_pdf: bytes,
        report_md: str,
        reason: str = "round",
    ) -> int:
        """Write an immutable map version (with the previous one as parent).

        reason 'round' is the kept result of a round (one per round); 'membercheck' is an
        optimised map after the member check (MC.3), any number per round.
        """
        parent = await self._one(
            "SELECT id FROM map_versions WHERE team_id = ? ORDER BY id DESC LIMIT 1", (team_id,)
        )
        return await self._run(
            "INSERT INTO map_versions (team_id, round_id, parent_id, reason, created_at,"
            " snapshot_json, png, report_pdf, report_md) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (team_id, round_id, parent["id"] if parent else None, reason, _ts(self.now),
             snapshot_json, png, report_pdf, report_md),
        )  # fmt: skip

    async def map_version(self, version_id: int) -> MapVersion | None:
        """One kept map version."""
        return await self._record(
            MapVersion, "SELECT * FROM map_versions WHERE id = ?", (version_id,)
        )

    # -- the yearly update: last round's partners, reviewed one by one ----------------------

    async def previous_postits(self, member: Member) -> list[PostIt]:
        """The post-its this person wrote in the team's last kept round that they have not
        reviewed yet in this round (oldest first)."""
        rows = await self._all(
            "SELECT p.* FROM postits p JOIN members m ON m.id = p.member_id"
            " WHERE m.user_id = ? AND m.round_id = ("
            "   SELECT v.round_id FROM map_versions v"
            "   WHERE v.team_id = (SELECT team_id FROM rounds WHERE id = ?) AND v.round_id != ?"
            "   ORDER BY v.id DESC LIMIT 1)"
            " AND p.id NOT IN (SELECT old_postit_id FROM reviewed_postits WHERE member_id = ?)"
            " ORDER BY p.position, p.id",
            (member.user_id, member.round_id, member.round_id, member.id),
        )
        return [self._postit(row) for row in rows]

    async def review_postit(
        self, member_id: int, old_postit_id: int, decision: str, new_postit_id: int | None
    ) -> None:
        """Record what the member decided about one of last round's post-its (once)."""
        await self._run(
            "INSERT OR IGNORE INTO reviewed_postits (member_id, old_postit_id, decision,"
            " new_postit_id, decided_at) VALUES (?, ?, ?, ?, ?)",
            (member_id, old_postit_id, decision, new_postit_id, _ts(self.now)),
        )

    async def review_counts(self, member_id: int) -> dict[str, int]:
        """How many of last round's post-its the member kept, moved or dropped."""
        rows = await self._all(
            "SELECT decision, COUNT(*) AS n FROM reviewed_postits WHERE member_id = ?"
            " GROUP BY decision",
            (member_id,),
        )
        return {row["decision"]: int(row["n"]) for row in rows}

    # -- partners added after the member check -----------------------------------------------

    async def draft_addition(self, round_id: int, check_id: int, label: str, norm: str) -> int:
        """Start adding a partner the wider team missed (or return the one already started)."""
        row = await self._one(
            "SELECT id FROM map_additions WHERE round_id = ? AND norm = ?", (round_id, norm)
        )
        if row is not None:
            return int(row["id"])
        return await self._run(
            "INSERT INTO map_additions (round_id, check_id, label, norm, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (round_id, check_id, label, norm, _ts(self.now)),
        )

    async def addition(self, addition_id: int) -> Addition | None:
        """One partner added (or being added) after the member check."""
        return await self._record(
            Addition, "SELECT * FROM map_additions WHERE id = ?", (addition_id,)
        )

    async def set_addition(self, addition_id: int, **fields: Any) -> None:
        """Set an addition's category, distance or status."""
        await self._update("map_additions", {"category", "distance", "status"}, addition_id, fields)

    async def latest_kept_round(self, team_id: int) -> int | None:
        """The id of the newest round the team kept with /afronden."""
        row = await self._one(
            "SELECT round_id FROM map_versions WHERE team_id = ? AND reason = 'round'"
            " ORDER BY id DESC LIMIT 1",
            (team_id,),
        )
        return int(row["round_id"]) if row else None

    async def confirm_addition(self, addition_id: int, distance: int) -> bool:
        """Set the last field and put the partner on the map; False when that happened already."""
        return (
            await self._run(
                "UPDATE map_additions SET distance = ?, status = 'added'"
                " WHERE id = ? AND status = 'draft' AND category IS NOT NULL",
                (distance, addition_id),
            )
            > 0
        )

    async def additions(self, round_id: int) -> list[Addition]:
        """The partners added to the round's map after the member check, oldest first."""
        return await self._records(
            Addition,
            "SELECT * FROM map_additions WHERE round_id = ? AND status = 'added' ORDER BY id",
            (round_id,),
        )

    # -- people who blocked the bot -----------------------------------------------------------

    async def mark_blocked(self, user_ids: Iterable[int]) -> None:
        """Telegram said 403 for these people: do not count on reaching them."""
        for user_id in user_ids:
            await self._run(
                "INSERT INTO people (user_id, blocked_at) VALUES (?, ?) ON CONFLICT (user_id)"
                " DO UPDATE SET blocked_at = excluded.blocked_at",
                (user_id, _ts(self.now)),
            )

    async def mark_reachable(self, user_id: int) -> None:
        """The person wrote to the bot (again): what was held for them may go now."""
        await self._run(
            "UPDATE people SET blocked_at = NULL WHERE user_id = ? AND blocked_at IS NOT NULL",
            (user_id,),
        )
        await self.release_held(user_id)

    async def blocked(self, user_ids: Iterable[int]) -> set[int]:
        """Which of these people blocked the bot."""
        ids = list(user_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = await self._all(
            f"SELECT user_id FROM people WHERE blocked_at IS NOT NULL AND user_id IN ({marks})",
            ids,
        )
        return {int(row["user_id"]) for row in rows}

    # -- team settings for the schedule ---------------------------------------------------------

    async def set_schedule_settings(
        self, team_id: int, *, timezone: str | None = None, send_days: str | None = None
    ) -> None:
        """The team's time zone and when messages may go out (weekdays, every day, always)."""
        if timezone is not None:
            await self._run("UPDATE teams SET timezone = ? WHERE id = ?", (timezone, team_id))
        if send_days is not None:
            await self._run("UPDATE teams SET send_days = ? WHERE id = ?", (send_days, team_id))

    async def latest_map_version(self, team_id: int) -> MapVersion | None:
        """The team's newest kept map version."""
        return await self._record(
            MapVersion,
            "SELECT * FROM map_versions WHERE team_id = ? ORDER BY id DESC LIMIT 1",
            (team_id,),
        )

    async def closed_deep_sessions(self, round_id: int) -> list[DeepSession]:
        """Every deep session of the round that was opened, oldest first."""
        return await self._records(
            DeepSession,
            "SELECT * FROM deep_sessions WHERE round_id = ? AND status IN ('open', 'closed')"
            " ORDER BY id",
            (round_id,),
        )

    # -- the schedule ------------------------------------------------------------------------

    async def plan(
        self,
        team_id: int,
        round_id: int | None,
        kind: str,
        step: str,
        run_at: datetime,
        check_id: int | None = None,
    ) -> int:
        """Add a planned action (a reminder or a deadline)."""
        return await self._run(
            "INSERT INTO planned (team_id, round_id, check_id, kind, step, run_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (team_id, round_id, check_id, kind, step, _ts_precise(run_at), _ts(self.now)),
        )

    async def cancel_planned_check(self, check_id: int) -> None:
        """Cancel the member check's reminders and deadline (closed by hand)."""
        await self._run(
            "UPDATE planned SET status = 'cancelled' WHERE check_id = ? AND status = 'planned'",
            (check_id,),
        )

    async def cancel_planned(self, round_id: int, step: str) -> int:
        """Cancel what was planned for a step (e.g. a new deadline replaces the old one)."""
        return await self._run(
            "UPDATE planned SET status = 'cancelled' WHERE round_id = ? AND step = ?"
            " AND status = 'planned'",
            (round_id, step),
        )

    async def due(self, now: datetime) -> list[Planned]:
        """Planned rows whose time has come, oldest first."""
        return await self._records(
            Planned,
            "SELECT * FROM planned WHERE status = 'planned' AND run_at <= ? ORDER BY run_at, id",
            (_ts_precise(now),),
        )

    async def planned_for_check(self, check_id: int) -> list[Planned]:
        """Every row planned for a member check (any status), in time order."""
        return await self._records(
            Planned, "SELECT * FROM planned WHERE check_id = ? ORDER BY run_at, id", (check_id,)
        )

    async def planned_for(self, round_id: int) -> list[Planned]:
        """Every row planned for a round (any status), in time order."""
        return await self._records(
            Planned, "SELECT * FROM planned WHERE round_id = ? ORDER BY run_at, id", (round_id,)
        )

    async def claim(self, planned_id: int) -> bool:
        """Take a due row; False when another run (or an earlier process) already took it."""
        return (
            await self._run(
                "UPDATE planned SET status = 'claimed', claimed_at = ?, attempts = attempts + 1"
                " WHERE id = ? AND status = 'planned'",
                (_ts_precise(self.now), planned_id),
            )
            > 0
        )

    async def failed_attempt(self, planned_id: int) -> int:
        """A planned action raised (its transaction was rolled back): count the attempt."""
        await self._run(
            "UPDATE planned SET attempts = attempts + 1 WHERE id = ? AND status = 'planned'",
            (planned_id,),
        )
        row = await self._one("SELECT attempts FROM planned WHERE id = ?", (planned_id,))
        return int(row["attempts"]) if row else 0

    async def give_up_planned(self, planned_id: int) -> None:
        """A planned action that keeps failing is dropped (with an error in the log)."""
        await self._run(
            "UPDATE planned SET status = 'done', done_at = ? WHERE id = ? AND status = 'planned'",
            (_ts(self.now), planned_id),
        )

    async def postpone(self, planned_id: int, run_at: datetime) -> None:
        """Move a row that came due in quiet hours to the next allowed moment."""
        await self._run(
            "UPDATE planned SET run_at = ? WHERE id = ? AND status = 'planned'",
            (_ts_precise(run_at), planned_id),
        )

    async def finish_planned(self, planned_id: int) -> None:
        """Mark a claimed row as carried out."""
        await self._run(
            "UPDATE planned SET status = 'done', done_at = ? WHERE id = ?",
            (_ts(self.now), planned_id),
        )

    # -- the member check --------------------------------------------------------------------

    async def open_member_check(self, team_id: int, version_id: int, token: str) -> int:
        """Start the team's member check on a kept map version (one open at a time)."""
        return await self._run(
            "INSERT INTO member_checks (team_id, version_id, token, opened_at) VALUES (?, ?, ?, ?)",
            (team_id, version_id, token, _ts(self.now)),
        )

    async def set_protect_small_roles(self, check_id: int, protect: bool) -> None:
        """Whether roles with fewer than three respondents are reported as 'andere functie'."""
        await self._run(
            "UPDATE member_checks SET protect_small_roles = ? WHERE id = ?",
            (int(protect), check_id),
        )

    async def member_check_closed_for(self, version_id: int) -> bool:
        """True when a member check on this kept version was closed."""
        row = await self._one(
            "SELECT 1 FROM member_checks WHERE version_id = ? AND closed_at IS NOT NULL",
            (version_id,),
        )
        return row is not None

    async def set_include_participants(self, check_id: int, include: bool) -> None:
        """Whether the focus-group participants of the check's round may answer it too."""
        await self._run(
            "UPDATE member_checks SET include_participants = ? WHERE id = ?",
            (int(include), check_id),
        )

    async def open_member_check_of(self, team_id: int) -> MemberCheck | None:
        """The team's open member check, if any."""
        return await self._record(
            MemberCheck,
            "SELECT * FROM member_checks WHERE team_id = ? AND closed_at IS NULL",
            (team_id,),
        )

    async def member_check(self, check_id: int) -> MemberCheck | None:
        """One member check."""
        return await self._record(
            MemberCheck, "SELECT * FROM member_checks WHERE id = ?", (check_id,)
        )

    async def member_check_by_token(self, token: str) -> MemberCheck | None:
        """The member check a deep-link payload belongs to."""
        return await self._record(
            MemberCheck, "SELECT * FROM member_checks WHERE token = ?", (token,)
        )

    async def close_member_check(self, check_id: int, report_md: str) -> None:
        """Close a member check and keep its report."""
        await self._run(
            "UPDATE member_checks SET closed_at = ?, report_md = ?"
            " WHERE id = ? AND closed_at IS NULL",
            (_ts(self.now), report_md, check_id),
        )

    async def respondent(self, respondent_id: int) -> Respondent | None:
        """One respondent row."""
        return await self._record(
            Respondent, "SELECT * FROM mc_respondents WHERE id = ?", (respondent_id,)
        )

    async def respondent_of(self, check_id: int, user_id: int) -> Respondent | None:
        """This person's respondent row in a check, if they started."""
        return await self._record(
            Respondent,
            "SELECT * FROM mc_respondents WHERE check_id = ? AND user_id = ?",
            (check_id, user_id),
        )

    async def add_respondent(self, check_id: int, user_id: int) -> int:
        """A colleague starts the survey; their direct messages go to it from now on."""
        respondent_id = await self._run(
            "INSERT INTO mc_respondents (check_id, user_id) VALUES (?, ?)", (check_id, user_id)
        )
        await self.set_active_respondent(user_id, respondent_id)
        return respondent_id

    async def set_active_respondent(self, user_id: int, respondent_id: int | None) -> None:
        """Route this person's direct messages to a survey (or back to their dialog)."""
        await self._run(
            "INSERT INTO people (user_id, active_respondent_id) VALUES (?, ?)"
            " ON CONFLICT (user_id)"
            " DO UPDATE SET active_respondent_id = excluded.active_respondent_id",
            (user_id, respondent_id),
        )

    async def active_respondent(self, user_id: int) -> Respondent | None:
        """The survey this person is answering, if it is still open and unfinished."""
        return await self._record(
            Respondent,
            "SELECT r.* FROM people p JOIN mc_respondents r ON r.id = p.active_respondent_id"
            " JOIN member_checks c ON c.id = r.check_id"
            " WHERE p.user_id = ? AND c.closed_at IS NULL AND r.finished_at IS NULL",
            (user_id,),
        )

    async def update_respondent(self, respondent_id: int, **fields: Any) -> int:
        """Change a respondent's stage, role, function or question; returns the screen number."""
        allowed = {"stage", "role", "function", "question", "finished_at"}
        row = await self._update(
            "mc_respondents", allowed, respondent_id, fields, "screen_seq = screen_seq + 1"
        )
        assert row is not None
        return int(row["screen_seq"])

    async def add_mc_answer(self, respondent_id: int, question_id: str, text: str) -> None:
        """Append a message to a respondent's answer."""
        await self._run(
            "INSERT INTO mc_answers (respondent_id, question_id, text) VALUES (?, ?, ?)"
            " ON CONFLICT (respondent_id, question_id)"
            " DO UPDATE SET text = text || char(10) || excluded.text",
            (respondent_id, question_id, text),
        )

    async def add_mc_missing(self, respondent_id: int, partner: str) -> None:
        """A partner this colleague misses on the map."""
        await self._run(
            "INSERT INTO mc_missing (respondent_id, partner) VALUES (?, ?)",
            (respondent_id, partner),
        )

    async def mc_responses(self, check_id: int) -> list[RespondentAnswers]:
        """Every respondent with answers and missing partners."""
        out = []
        for respondent in await self._records(
            Respondent, "SELECT * FROM mc_respondents WHERE check_id = ? ORDER BY id", (check_id,)
        ):
            answers = {
                a["question_id"]: a["text"]
                for a in await self._all(
                    "SELECT * FROM mc_answers WHERE respondent_id = ?", (respondent.id,)
                )
            }
            missing = [
                m["partner"]
                for m in await self._all(
                    "SELECT partner FROM mc_missing WHERE respondent_id = ? ORDER BY id",
                    (respondent.id,),
                )
            ]
            out.append(RespondentAnswers(respondent, answers, missing))
        return out

    async def set_colour_blind(self, team_id: int, on: bool) -> None:
        """The team's colour-blind-safe map setting."""
        await self._run("UPDATE teams SET colour_blind = ? WHERE id = ?", (int(on), team_id))

    # -- privacy ---------------------------------------------------------------------------

    async def personal_data(self, user_id: int) -> PersonalData:
        """Everything stored about one person, across all teams and member checks."""
        data = PersonalData(user_id=user_id)
        rows = await self._all("SELECT * FROM members WHERE user_id = ? ORDER BY id", (user_id,))
        for row in rows:
            member = self._member(row)
            round_ = await self.round(member.round_id)
            team = await self.team(round_.team_id)
            data.memberships.append((team, round_, member))
            data.answers[member.id] = await self.answers(member.id)
            data.postits[member.id] = await self.postits(member.id)
            priority = await self.priority(member.id)
            if priority is not None:
                label = await self._one(
                    "SELECT text FROM postits WHERE norm = ? AND member_id IN"
                    " (SELECT id FROM members WHERE round_id = ?) ORDER BY id LIMIT 1",
                    (priority.node_key, member.round_id),
                )
                data.priorities[member.id] = (
                    priority,
                    str(label["text"]) if label else priority.node_key,
                )
            cards = await self._all(
                "SELECT c.*, COALESCE(p.label, c.node_key) AS label FROM card_answers c"
                " LEFT JOIN deep_partners p ON p.session_id = c.session_id"
                " AND p.node_key = c.node_key WHERE c.member_id = ? ORDER BY c.session_id,"
                " c.node_key, c.card_id",
                (member.id,),
            )
            data.cards[member.id] = [(record(CardAnswer, r), str(r["label"])) for r in cards]
            data.closing[member.id] = await self._records(
                ClosingAnswer,
                "SELECT * FROM closing_answers WHERE member_id = ? ORDER BY question_id",
                (member.id,),
            )
            data.absences[member.id] = await self.absences(member.round_id, member.id)
            votes, links = await self.my_look(member.id)
            data.look_votes[member.id] = [(p.label, p.field, vote) for p, vote in votes]
            data.look_links[member.id] = links
        for respondent in await self._records(
            Respondent, "SELECT * FROM mc_respondents WHERE user_id = ? ORDER BY id", (user_id,)
        ):
            check = await self.member_check(respondent.check_id)
            if check is None:  # pragma: no cover - a respondent always has its check
                continue
            answers = {
                a["question_id"]: a["text"]
                for a in await self._all(
                    "SELECT * FROM mc_answers WHERE respondent_id = ? ORDER BY question_id",
                    (respondent.id,),
                )
            }
            missing = [
                m["partner"]
                for m in await self._all(
                    "SELECT partner FROM mc_missing WHERE respondent_id = ? ORDER BY id",
                    (respondent.id,),
                )
            ]
            team = await self.team(check.team_id)
            data.checks.append((team, check, RespondentAnswers(respondent, answers, missing)))
        return data

    async def forget_person(self, user_id: int, kept_rounds: Iterable[int] = ()) -> Forgotten:
        """Delete everything stored about a person; returns what, by kind.

        A membership of a round in `kept_rounds` (one kept as a map version) is anonymised
        instead: its free texts go (answers, priority reason, cards, closing answers,
        absences, function, first name), its partners and pick stay as anonymous counts of
        the kept map (the member row keeps only its role; its user id becomes -id).
        Everything owed to the person's chat, and every record of their messages, goes too.
        """
        kept = set(kept_rounds)
        done = Forgotten()
        members = await self._all(
            "SELECT id, round_id FROM members WHERE user_id = ? ORDER BY id", (user_id,)
        )
        for row in members:
            member_id, round_id = int(row["id"]), int(row["round_id"])
            done.memberships += 1
            where = (member_id,)
            done.answers += await self._count("concept_answers", member_id)
            done.cards += await self._count("card_answers", member_id)
            done.closing += await self._count("closing_answers", member_id)
            done.absences += await self._count("absences", member_id)
            done.priorities += await self._count("priorities", member_id)
            postits = await self._count("postits", member_id)
            if round_id not in kept:
                done.postits += postits
                await self._run("DELETE FROM members WHERE id = ?", where)
                continue
            done.kept_rounds += 1
            done.kept_postits += postits
            for table in ("concept_answers", "card_answers", "closing_answers", "absences"):
                await self._run(f"DELETE FROM {table} WHERE member_id = ?", where)
            await self._run("DELETE FROM source_messages WHERE member_id = ?", where)
            await self._run("UPDATE priorities SET reason = NULL WHERE member_id = ?", where)
            await self._run(
                "UPDATE members SET user_id = -id, first_name = '', function = NULL,"
                " closing_question = NULL, absence_id = NULL, deep_node_key = NULL,"
                " deep_card = NULL, current_postit_id = NULL WHERE id = ?",
                where,
            )
        respondents = await self._all("SELECT id FROM mc_respondents WHERE user_id = ?", (user_id,))
        for row in respondents:
            answers = await self._one(
                "SELECT (SELECT COUNT(*) FROM mc_answers WHERE respondent_id = ?)"
                " + (SELECT COUNT(*) FROM mc_missing WHERE respondent_id = ?) AS n",
                (row["id"], row["id"]),
            )
            done.check_answers += int(answers["n"]) if answers else 0
        await self._run("DELETE FROM mc_respondents WHERE user_id = ?", (user_id,))
        owed = await self._one(
            "SELECT COUNT(*) AS n FROM outbox WHERE chat_id = ? AND status = 'pending'",
            (user_id,),
        )
        done.messages = int(owed["n"]) if owed else 0
        await self.forget_chat(user_id)
        await self._run("DELETE FROM source_messages WHERE user_id = ?", (user_id,))
        await self._run("DELETE FROM people WHERE user_id = ?", (user_id,))
        await self._run("DELETE FROM editors WHERE user_id = ?", (user_id,))
        await self.forget_facilitator(user_id)
        return done

    async def _count(self, table: str, member_id: int) -> int:
        """How many rows of a member's table there are (table names never come from users)."""
        row = await self._one(
            f"SELECT COUNT(*) AS n FROM {table} WHERE member_id = ?", (member_id,)
        )
        return int(row["n"]) if row else 0

    async def round_versions(self, round_id: int) -> list[MapVersion]:
        """Every kept version of one round, oldest first."""
        return await self._records(
            MapVersion, "SELECT * FROM map_versions WHERE round_id = ? ORDER BY id", (round_id,)
        )

    async def anonymise_map_version(
        self, version_id: int, snapshot_json: str, png: bytes, report_pdf: bytes, report_md: str
    ) -> None:
        """Rewrite a kept version without someone's texts (the one update it allows)."""
        await self._run(
            "UPDATE map_versions SET snapshot_json = ?, png = ?, report_pdf = ?, report_md = ?,"
            " anonymised = anonymised + 1 WHERE id = ?",
            (snapshot_json, png, report_pdf, report_md, version_id),
        )

    async def set_member_check_report(self, check_id: int, report_md: str) -> None:
        """A closed member check's report, written again (without a forgotten respondent)."""
        await self._run(
            "UPDATE member_checks SET report_md = ? WHERE id = ? AND report_md IS NOT NULL",
            (report_md, check_id),
        )

    async def scrub_pending(self, team_ids: Iterable[int], texts: list[str], gone: str) -> int:
        """Replace these texts in the messages still owed in these teams; pending documents
        (reports that may quote them) are dropped. Returns how many reports were dropped."""
        teams = sorted(set(team_ids))
        if not teams:
            return 0
        marks = ", ".join("?" for _ in teams)
        rows = await self._all(
            f"SELECT id, kind, payload FROM outbox WHERE status = 'pending'"
            f" AND team_id IN ({marks})",
            teams,
        )
        variants = sorted(
            {
                v
                for text in texts
                for v in (text, html.escape(text, quote=False), html.escape(text))
            },
            key=len,
            reverse=True,
        )
        dropped = 0
        for row in rows:
            if row["kind"] == "document":
                await self._run("DELETE FROM outbox WHERE id = ?", (row["id"],))
                dropped += 1
                continue
            payload = json.loads(row["payload"])
            changed = False
            for field_name in ("text", "caption"):
                value = payload.get(field_name)
                if not isinstance(value, str):
                    continue
                for variant in variants:
                    if variant in value:
                        value = value.replace(variant, gone)
                        changed = True
                payload[field_name] = value
            if changed:
                await self._run(
                    "UPDATE outbox SET payload = ? WHERE id = ?",
                    (json.dumps(payload, ensure_ascii=False), row["id"]),
                )
        return dropped

    # -- edited messages: what each typed message created ---------------------------------

    @staticmethod
    def _source(row: aiosqlite.Row) -> SourcePart:
        return SourcePart(
            id=row["id"],
            user_id=row["user_id"],
            message_id=row["message_id"],
            line=row["line"],
            kind=SourceKind(row["kind"]),
            text=row["part"],
            created=bool(row["created"]),
            member_id=row["member_id"],
            respondent_id=row["respondent_id"],
            postit_id=row["postit_id"],
            absence_id=row["absence_id"],
            session_id=row["session_id"],
            node_key=row["node_key"],
            question_id=row["question_id"],
        )

    async def note_source(self, kind: SourceKind, text: str, **fields: Any) -> None:
        """Remember that the message this action answers created this (no-op without one).

        fields: line, created, member_id, respondent_id, postit_id, absence_id, session_id,
        node_key, question_id.
        """
        if self.source is None:
            return
        user_id, message_id = self.source
        await self.add_source(user_id, message_id, kind, text, **fields)

    async def add_source(
        self, user_id: int, message_id: int, kind: SourceKind, text: str, **fields: Any
    ) -> None:
        """Record one thing a private message created."""
        allowed = {
            "line",
            "created",
            "member_id",
            "respondent_id",
            "postit_id",
            "absence_id",
            "session_id",
            "node_key",
            "question_id",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown source fields {sorted(unknown)}")
        names = ["user_id", "message_id", "kind", "part", "created_at", *fields]
        values = [user_id, message_id, kind.value, text, _ts(self.now)]
        values += [self._db_value(value) for value in fields.values()]
        marks = ", ".join("?" for _ in names)
        await self._run(
            f"INSERT INTO source_messages ({', '.join(names)}) VALUES ({marks})", values
        )

    async def sources_of(self, user_id: int, message_id: int) -> list[SourcePart]:
        """What one private message created, line by line."""
        rows = await self._all(
            "SELECT * FROM source_messages WHERE user_id = ? AND message_id = ? ORDER BY line, id",
            (user_id, message_id),
        )
        return [self._source(row) for row in rows]

    async def forget_sources(self, user_id: int, message_id: int) -> None:
        """Drop what a message was recorded to have created (before recording it anew)."""
        await self._run(
            "DELETE FROM source_messages WHERE user_id = ? AND message_id = ?",
            (user_id, message_id),
        )

    async def set_source_text(self, source_id: int, text: str) -> None:
        """What a message now contributes, after it was edited."""
        await self._run("UPDATE source_messages SET part = ? WHERE id = ?", (text, source_id))

    async def answer_parts(self, part: SourcePart) -> list[SourcePart]:
        """Every message's piece of the same answer as `part`, in the order they were sent."""
        rows = await self._all(
            "SELECT * FROM source_messages WHERE kind = ? AND member_id IS ?"
            " AND respondent_id IS ? AND absence_id IS ? AND session_id IS ? AND node_key IS ?"
            " AND question_id IS ? ORDER BY id",
            (
                part.kind.value,
                part.member_id,
                part.respondent_id,
                part.absence_id,
                part.session_id,
                part.node_key,
                part.question_id,
            ),
        )
        return [self._source(row) for row in rows]

    async def answer_text(self, part: SourcePart) -> str | None:
        """The whole stored answer a message contributed to; None when it is gone."""
        kind = part.kind
        if kind is SourceKind.CONCEPT:
            sql = "SELECT text FROM concept_answers WHERE member_id = ? AND question_id = ?"
            params: tuple[Any, ...] = (part.member_id, part.question_id)
        elif kind is SourceKind.CARD:
            sql = (
                "SELECT text FROM card_answers WHERE member_id = ? AND session_id = ?"
                " AND node_key = ? AND card_id = ?"
            )
            params = (part.member_id, part.session_id, part.node_key, part.question_id)
        elif kind is SourceKind.CLOSING:
            sql = "SELECT text FROM closing_answers WHERE member_id = ? AND question_id = ?"
            params = (part.member_id, part.question_id)
        elif kind is SourceKind.MC_ANSWER:
            sql = "SELECT text FROM mc_answers WHERE respondent_id = ? AND question_id = ?"
            params = (part.respondent_id, part.question_id)
        elif kind is SourceKind.REASON:
            sql = "SELECT reason AS text FROM priorities WHERE member_id = ?"
            params = (part.member_id,)
        elif kind is SourceKind.ABSENCE and part.question_id in ABSENCE_FIELDS:
            sql = f"SELECT {part.question_id} AS text FROM absences WHERE id = ?"
            params = (part.absence_id,)
        else:
            raise ValueError(f"not an answer: {kind}")
        row = await self._one(sql, params)
        return None if row is None or row["text"] is None else str(row["text"])

    async def set_answer_text(self, part: SourcePart, text: str) -> None:
        """Replace the whole stored answer a message contributed to (after an edit)."""
        now = _ts(self.now)
        kind = part.kind
        if kind is SourceKind.CONCEPT:
            sql = (
                "UPDATE concept_answers SET text = ?, updated_at = ?"
                " WHERE member_id = ? AND question_id = ?"
            )
            params: tuple[Any, ...] = (text, now, part.member_id, part.question_id)
        elif kind is SourceKind.CARD:
            sql = (
                "UPDATE card_answers SET text = ?, updated_at = ? WHERE member_id = ?"
                " AND session_id = ? AND node_key = ? AND card_id = ?"
            )
            params = (text, now, part.member_id, part.session_id, part.node_key, part.question_id)
        elif kind is SourceKind.CLOSING:
            sql = (
                "UPDATE closing_answers SET text = ?, updated_at = ?"
                " WHERE member_id = ? AND question_id = ?"
            )
            params = (text, now, part.member_id, part.question_id)
        elif kind is SourceKind.MC_ANSWER:
            sql = "UPDATE mc_answers SET text = ? WHERE respondent_id = ? AND question_id = ?"
            params = (text, part.respondent_id, part.question_id)
        elif kind is SourceKind.REASON:
            sql = "UPDATE priorities SET reason = ? WHERE member_id = ?"
            params = (text, part.member_id)
        elif kind is SourceKind.ABSENCE and part.question_id in ABSENCE_FIELDS:
            sql = f"UPDATE absences SET {part.question_id} = ? WHERE id = ?"
            params = (text, part.absence_id)
        else:
            raise ValueError(f"not an answer: {kind}")
        await self._run(sql, params)

    async def _forget_answer_sources(self, kind: SourceKind, **where: Any) -> None:
        """An answer that was cleared or replaced wholesale is no longer any message's doing."""
        conditions = " AND ".join(f"{name} = ?" for name in where)
        await self._run(
            f"DELETE FROM source_messages WHERE kind = ? AND {conditions}",
            (kind.value, *where.values()),
        )

    # -- helpers ---------------------------------------------------------------------------

    async def _update(
        self, table: str, allowed: set[str], row_id: int, fields: dict[str, Any], *extra: str
    ) -> aiosqlite.Row | None:
        """UPDATE whitelisted columns of one row (column names never come from users), plus
        fixed `extra` assignments; returns the row as it is now (None when there is none)."""
        unknown = set(fields) - allowed - {"updated_at"}
        if unknown:
            raise ValueError(f"cannot update {table} fields {sorted(unknown)}")
        assignments = ", ".join([*(f"{name} = ?" for name in fields), *extra])
        if not assignments:
            return await self._one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        values = [self._db_value(value) for value in fields.values()]
        return await self._returning(
            f"UPDATE {table} SET {assignments} WHERE id = ? RETURNING *", (*values, row_id)
        )

    def _db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return _ts(value)
        if isinstance(value, Distance):
            return int(value)
        if isinstance(value, StrEnum):
            return value.value
        if isinstance(value, bool):
            return int(value)
        return value
