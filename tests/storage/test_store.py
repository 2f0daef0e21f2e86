"""The database: schema version, WAL, constraints, one transaction per action."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.model import Category, Distance, Kind, Language
from core.protocol import Stage, Step
from storage.db import migrations, schema_version
from storage.store import Store


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
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(migrations())


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
    assert await schema_version(store._db) == len(migrations())
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
        assert await tx.forget_person(11) == 1
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
