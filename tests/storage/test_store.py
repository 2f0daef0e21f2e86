"""The database: schema version, WAL, constraints, one transaction per action."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from core.model import Category, Distance, Kind, Language
from core.protocol import Stage, Step
from storage.db import migrations, schema_version
from storage.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    """A fresh database file."""
    s = await Store.open(tmp_path / "data" / "test.db")
    yield s  # type: ignore[misc]
    await s.close()


async def test_new_file_gets_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    """A new database is created with its folder, the latest schema, WAL and foreign keys."""
    path = tmp_path / "nested" / "db.sqlite"
    store = await Store.open(path)
    await store.close()
    assert path.exists()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]


async def test_reopening_does_not_migrate_twice(tmp_path: Path) -> None:
    """Opening an existing file keeps its data and schema version."""
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    async with store.tx() as tx:
        await tx.create_team(-100, 1, Language.NL)
    await store.close()
    store = await Store.open(path)
    async with store.tx() as tx:
        assert (await tx.team_by_chat(-100)) is not None
    assert await schema_version(store._db) == migrations()[-1][0]
    await store.close()


async def test_only_one_open_round_per_team(store: Store) -> None:
    """The database itself refuses a second open round for the same team."""
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        await tx.open_round(team.id, "tok1", Step.BRAINSTORM.value)
    with pytest.raises(sqlite3.IntegrityError):
        async with store.tx() as tx:
            await tx.open_round(team.id, "tok2", Step.BRAINSTORM.value)


async def test_failed_action_leaves_nothing_behind(store: Store) -> None:
    """An error in the middle of an action rolls back everything that action wrote."""
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            await tx.create_team(-100, 1, Language.NL)
            raise RuntimeError("boom")
    async with store.tx() as tx:
        assert await tx.team_by_chat(-100) is None


async def test_forgetting_a_person_removes_their_postits_and_answers(store: Store) -> None:
    """/vergeetmij deletes memberships with post-its and answers, and nobody else's."""
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        round_ = await tx.open_round(team.id, "tok", Step.BRAINSTORM.value)
        anna = await tx.add_member(round_.id, 11, "Anna", Stage.BRAINSTORM.value)
        bert = await tx.add_member(round_.id, 12, "Bert", Stage.BRAINSTORM.value)
        postit = await tx.add_postit(anna.id, "CLB", "clb")
        await tx.update_postit(
            postit.id, kind=Kind.ORGANISATIE, category=Category.ZORG, distance=Distance.DICHTBIJ
        )
        await tx.add_answer(anna.id, "INTRO.Q1", "Samen leren.")
        await tx.add_postit(bert.id, "ouders", "ouders")
    async with store.tx() as tx:
        assert (await tx.forget_person(11)).memberships == 1
    async with store.tx() as tx:
        assert (await tx.personal_data(11)).memberships == []
        assert await tx.postit(postit.id) is None
        assert [p.text for p in await tx.postits(bert.id)] == ["ouders"]
        assert await tx.active_member(11) is None
        assert (await tx.progress(round_.id)).joined == 1


async def test_answers_span_several_messages(store: Store) -> None:
    """A second message to the same question is added to the answer, not replacing it."""
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        round_ = await tx.open_round(team.id, "tok", Step.BRAINSTORM.value)
        anna = await tx.add_member(round_.id, 11, "Anna", Stage.INTRO_Q1.value)
        await tx.add_answer(anna.id, "INTRO.Q1", "Eerste deel.")
        answer = await tx.add_answer(anna.id, "INTRO.Q1", "Tweede deel.")
    assert answer.text == "Eerste deel.\nTweede deel."


async def test_postit_fields_round_trip(store: Store) -> None:
    """Kind, category and distance come back as the core enums."""
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        round_ = await tx.open_round(team.id, "tok", Step.BRAINSTORM.value)
        anna = await tx.add_member(round_.id, 11, "Anna", Stage.BRAINSTORM.value)
        p = await tx.add_postit(anna.id, "Universiteit Gent", "universiteit gent")
        p = await tx.update_postit(p.id, kind=Kind.ORGANISATIE, distance=Distance.AFWEZIG)
    assert p.kind is Kind.ORGANISATIE
    assert p.distance is Distance.AFWEZIG
    assert p.category is None
    assert not p.is_complete


def _migrate_to(path: Path, version: int) -> None:
    """Bring a file to an older schema version, as an older release of the bot left it."""
    from storage.db import _statements

    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("PRAGMA foreign_keys = ON")
        for number, sql in migrations():
            if number > version:
                break
            db.execute("BEGIN IMMEDIATE")
            for statement in _statements(sql):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number:d}")
            db.execute("COMMIT")


async def test_versions_rebuild_keeps_data_and_references(tmp_path: Path) -> None:
    """Migration 12 rebuilds map_versions under a member check that points at it: nothing lost,
    versions stay immutable, a round keeps one 'round' version but may get optimisations."""
    path = tmp_path / "old.db"
    _migrate_to(path, 11)
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(
            "INSERT INTO teams (id, chat_id, school_name, principal_user_id, created_at)"
            " VALUES (1, -100, 'De Boomgaard', 7, '2025-06-01T10:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO rounds (id, team_id, number, token, step, opened_at, closed_at)"
            " VALUES (1, 1, 1, 'tok', 'done', '2025-06-01T10:00:00+00:00',"
            " '2025-06-20T10:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO map_versions (id, team_id, round_id, created_at, snapshot_json, png,"
            " report_pdf, report_md) VALUES (5, 1, 1, '2025-06-20T10:00:00+00:00', '{}', x'89',"
            " x'25', '# verslag')"
        )
        db.execute(
            "INSERT INTO member_checks (id, team_id, version_id, token, opened_at)"
            " VALUES (3, 1, 5, 'mc', '2025-06-21T10:00:00+00:00')"
        )
    store = await Store.open(path)
    try:
        assert await schema_version(store._db) == migrations()[-1][0]
        async with store.tx() as tx:
            version = await tx.latest_map_version(1)
            assert version is not None and version.id == 5 and version.report_md == "# verslag"
            assert version.reason == "round"
            check = await tx.member_check(3)
            assert check is not None and check.version_id == 5
            new_id = await tx.add_map_version(1, 1, "{}", b"png", b"pdf", "# beter", "membercheck")
            newest = await tx.latest_map_version(1)
            assert newest is not None and newest.id == new_id and newest.parent_id == 5
        with pytest.raises(sqlite3.IntegrityError):
            async with store.tx() as tx:
                await tx.add_map_version(1, 1, "{}", b"png", b"pdf", "# dubbel")
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            async with store.tx() as tx:
                await tx._run("UPDATE map_versions SET report_md = 'x' WHERE id = 5")
        rows = await store._db.execute_fetchall("PRAGMA foreign_key_check")
        assert list(rows) == []
    finally:
        await store.close()


async def test_reachable_again_is_written_by_the_next_transaction(store: Store) -> None:
    """Someone who writes to the bot again is unblocked in the next transaction, before anything
    else in it; a transaction that fails hands the mark on to the one after it."""
    async with store.tx() as tx:
        await tx.mark_blocked([11])
    store.note_reachable(11)
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            assert await tx.blocked([11]) == set()
            raise RuntimeError("boom")
    async with store.tx() as tx:
        assert await tx.blocked([11]) == set()


async def test_reachable_again_survives_closing(tmp_path: Path) -> None:
    """A mark still waiting for a transaction is written when the store closes."""
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    async with store.tx() as tx:
        await tx.mark_blocked([11])
    store.note_reachable(11)
    await store.close()
    store = await Store.open(path)
    async with store.tx() as tx:
        assert await tx.blocked([11]) == set()
    await store.close()


async def test_a_transaction_waits_for_another_process_without_blocking(tmp_path: Path) -> None:
    """While another process holds the write lock, an action waits (the event loop keeps
    running) and goes ahead once the lock is free."""
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def release() -> None:
        await asyncio.sleep(0.1)
        other.execute("COMMIT")

    running = asyncio.create_task(ticker())
    releasing = asyncio.create_task(release())
    try:
        async with store.tx() as tx:
            await tx.create_team(-100, 1, Language.NL)
        assert releasing.done() and ticks >= 5
    finally:
        running.cancel()
        await releasing
        other.close()
        await store.close()


async def test_a_committed_action_survives_the_process_being_killed(tmp_path: Path) -> None:
    """synchronous=NORMAL in WAL mode: once an action committed, SIGKILL cannot take it back."""
    path = tmp_path / "db.sqlite"
    script = (
        "import asyncio, sys, time\n"
        "from core.model import Language\n"
        "from storage.store import Store\n"
        "async def main():\n"
        f"    store = await Store.open({str(path)!r})\n"
        "    async with store.tx() as tx:\n"
        "        await tx.create_team(-100, 1, Language.NL)\n"
        "    print('committed', flush=True)\n"
        "    time.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"committed\n"
    process.send_signal(signal.SIGKILL)
    await process.wait()
    store = await Store.open(path)
    try:
        async with store.tx() as tx:
            assert await tx.team_by_chat(-100) is not None
    finally:
        await store.close()


async def test_a_member_comes_with_their_round_and_team_in_one_statement(store: Store) -> None:
    """member_in_context gives the same records as the three separate lookups."""
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        await tx.set_school_name(team.id, "De Letterdoos")
        round_ = await tx.open_round(team.id, "tok", Step.BRAINSTORM.value)
        member = await tx.add_member(round_.id, 7, "Anna", Stage.PRIVACY.value)
    async with store.tx() as tx:
        found = await tx.member_in_context(member.id)
        assert found == (
            await tx.member(member.id),
            await tx.round(round_.id),
            await tx.team(team.id),
        )
        assert await tx.member_in_context(member.id + 1) is None


async def test_the_wal_is_checkpointed_off_the_event_loop(tmp_path: Path) -> None:
    """SQLite's automatic checkpoint (an fsync inside a COMMIT) is off; every CHECKPOINT_EVERY
    commits a worker thread copies the WAL into the database file."""
    from storage import store as store_module

    path = tmp_path / "wal.db"
    store = await Store.open(path)
    try:
        assert store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        async with store.tx() as tx:
            team = await tx.create_team(-100, 1, Language.NL)
            await tx.set_school_name(team.id, "CHECKPOINT-MARKER-4711")
        assert b"CHECKPOINT-MARKER-4711" not in path.read_bytes()  # only in the WAL yet
        for _ in range(store_module.CHECKPOINT_EVERY):
            async with store.tx() as tx:
                await tx.set_language(team.id, Language.NL)
        assert store._checkpoint is not None
        await store._checkpoint
        assert b"CHECKPOINT-MARKER-4711" in path.read_bytes()
    finally:
        await store.close()


async def test_a_backup_while_the_bot_writes_is_a_consistent_database(tmp_path: Path) -> None:
    """`python -m bot backup` copies a database that is open (WAL not yet checkpointed)."""
    import os
    import subprocess

    db = tmp_path / "live.db"
    store = await Store.open(db)
    try:
        async with store.tx() as tx:
            await tx.create_team(-100123, 42, Language.NL)
        target = tmp_path / "copies" / "backup.db"
        env = {**os.environ, "NETWERKKAART_DB": str(db)}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "backup", str(target)],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    finally:
        await store.close()
    copy = await Store.open(target)
    try:
        async with copy.tx() as tx:
            assert (await tx.team_by_chat(-100123)) is not None
    finally:
        await copy.close()
