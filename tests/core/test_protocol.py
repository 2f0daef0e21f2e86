"""The protocol tables: which stage and step may follow which."""

from __future__ import annotations

from core.protocol import (
    BRAINSTORMING,
    ONBOARDING,
    STAGE_TRANSITIONS,
    TRANSITIONS,
    Stage,
    Step,
    can_enter,
    next_classify,
    next_onboarding,
    stage_after_brainstorm_closed,
)


def test_every_stage_and_step_has_a_row() -> None:
    """No stage or step is forgotten in the transition tables."""
    assert set(STAGE_TRANSITIONS) == set(Stage)
    assert set(TRANSITIONS) == set(Step)


def test_onboarding_runs_in_protocol_order() -> None:
    """Privacy, role, function, the two questions, the definitions, then the brainstorm."""
    stage = Stage.PRIVACY
    seen = [stage]
    while stage in ONBOARDING:
        stage = next_onboarding(stage, brainstorm_open=True)
        seen.append(stage)
    assert seen[-1] is Stage.BRAINSTORM
    assert seen[:-1] == list(ONBOARDING)
    assert next_onboarding(Stage.DEFINITIONS, brainstorm_open=False) is Stage.WAITING


def test_classification_asks_kind_category_distance() -> None:
    """Each post-it gets its three questions in order."""
    assert next_classify(Stage.KIND) is Stage.CATEGORY
    assert next_classify(Stage.CATEGORY) is Stage.DISTANCE
    assert next_classify(Stage.DISTANCE) is None


def test_closing_the_brainstorm_keeps_onboarding_members_where_they_are() -> None:
    """Someone still reading the introduction may finish it; brainstormers stop."""
    for stage in ONBOARDING:
        assert stage_after_brainstorm_closed(stage) is stage
    for stage in BRAINSTORMING | {Stage.DONE}:
        assert stage_after_brainstorm_closed(stage) is Stage.WAITING
        assert can_enter(stage, Stage.WAITING)


def test_waiting_leads_only_to_the_next_step() -> None:
    """Once the brainstorm is closed, nothing reopens it; waiting leads to the second look at
    the map, or to steps 2C, 3 or 4."""
    assert STAGE_TRANSITIONS[Stage.WAITING] == frozenset(
        {Stage.LOOK, Stage.PRIORITY, Stage.DEEP, Stage.CLOSING}
    )
    assert not can_enter(Stage.WAITING, Stage.BRAINSTORM)


def test_dialog_diagram_is_current() -> None:
    """docs/dialog.md shows the diagram generated from the transition table."""
    from pathlib import Path

    from core.protocol import dialog_doc

    doc = (Path(__file__).resolve().parents[2] / "docs" / "dialog.md").read_text(encoding="utf-8")
    assert doc == dialog_doc(), "regenerate: python -m core.protocol > docs/dialog.md"
