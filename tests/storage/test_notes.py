"""The team's notes in the database: one text per round and item, and a kept version whose
report may be written again with them while its map never changes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.model import Language
from core.protocol import Step
from storage.store import Store


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    """A fresh database file."""
    s = await Store.open(tmp_path / "data" / "test.db")
    yield s  # type: ignore[misc]
    await s.close()


async def _kept(store: Store) -> tuple[int, int]:
    """A team with a kept round: (round id, version id)."""
    snapshot = json.dumps({"partners": [{"label": "CLB"}], "answers": {"team_notes": {}}})
    async with store.tx() as tx:
        team = await tx.create_team(-100, 1, Language.NL)
        round_ = await tx.open_round(team.id, "tok1", Step.BRAINSTORM.value)
        version = await tx.add_map_version(team.id, round_.id, snapshot, b"png", b"pdf", "# v")
    return round_.id, version


async def test_a_note_is_one_text_per_item_and_the_last_one_counts(store: Store) -> None:
    """Writing a step's note again replaces it; an unknown item is refused by the schema."""
    round_id, _ = await _kept(store)
    async with store.tx() as tx:
        await tx.set_team_note(round_id, "map", "Eerste versie.")
        await tx.set_team_note(round_id, "map", "Tweede versie.")
        await tx.set_team_note(round_id, "aim", "Het doel.")
        assert await tx.team_notes(round_id) == {"map": "Tweede versie.", "aim": "Het doel."}
    with pytest.raises(sqlite3.IntegrityError):
        async with store.tx() as tx:
            await tx.set_team_note(round_id, "gossip", "Nee.")


async def test_a_kept_report_may_be_revised_but_never_its_map(store: Store) -> None:
    """A revision changes the report and the snapshot's answers, raises `revised` by one; the
    picture, the partners and an unmarked update stay refused."""
    _, version = await _kept(store)
    answers = json.dumps({"partners": [{"label": "CLB"}], "answers": {"team_notes": {"x": "y"}}})
    async with store.tx() as tx:
        await tx.revise_map_version(version, answers, b"pdf2", "# v2")
        kept = await tx.map_version(version)
        assert kept is not None and kept.report_md == "# v2"
    other_map = json.dumps({"partners": [{"label": "CGG"}], "answers": {}})
    for sql, params in (
        ("UPDATE map_versions SET png = 'x', revised = revised + 1", ()),
        ("UPDATE map_versions SET snapshot_json = ?, revised = revised + 1", (other_map,)),
        ("UPDATE map_versions SET report_md = 'x'", ()),
        ("UPDATE map_versions SET report_md = 'x', revised = revised + 2", ()),
    ):
        with pytest.raises(sqlite3.IntegrityError):
            async with store.tx() as tx:
                await tx._run(sql, params)
