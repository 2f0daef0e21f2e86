"""The protocol as data: round steps, a member's private stages, and what may follow what."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """Where a team's round is (PROTOCOL.md §2.1); later issues add the steps after 2A."""

    BRAINSTORM = "brainstorm"  # steps 1 and 2A run privately, members join
    # 2B: the merged map is shown and settled. Its second look (the team adds partners and
    # links and places the disputed partners, core/look.py) is a sub-stage of 2B, not a step:
    # it opens when the group gets the map and closes before 2C (or when the principal says).
    BRAINSTORM_CLOSED = "brainstorm_closed"
    PRIORITIES = "priorities"  # 2C: every member picks one priority partner in private
    PRIORITIES_CLOSED = "priorities_closed"  # 2C closed: the map shows the picks
    DEEP = "deep"  # step 3: members answer reflection cards about chosen partners
    DEEP_CLOSED = "deep_closed"  # step 3 closed; another /verdiep may follow
    CLOSING = "closing"  # step 4: the seven closing questions, privately
    CLOSING_CLOSED = "closing_closed"  # step 4 closed: answers shared, metaphors on the map
    DONE = "done"  # step 5: /afronden kept the map and the report as an immutable version


# What may happen next to a round. Closing a round is possible from every step.
TRANSITIONS: dict[Step, frozenset[Step]] = {
    Step.BRAINSTORM: frozenset({Step.BRAINSTORM_CLOSED}),
    Step.BRAINSTORM_CLOSED: frozenset({Step.PRIORITIES, Step.DEEP, Step.CLOSING}),
    Step.PRIORITIES: frozenset({Step.PRIORITIES_CLOSED}),
    Step.PRIORITIES_CLOSED: frozenset({Step.DEEP, Step.CLOSING}),
    # "Aanvullende verdiepende gesprekken ... zijn vaak wenselijk": step 3 may run again.
    Step.DEEP: frozenset({Step.DEEP_CLOSED}),
    Step.DEEP_CLOSED: frozenset({Step.DEEP, Step.CLOSING}),
    Step.CLOSING: frozenset({Step.CLOSING_CLOSED}),
    Step.CLOSING_CLOSED: frozenset({Step.DONE}),
    Step.DONE: frozenset(),
}

# /afronden may keep the result after any step that is not running (the source allows stopping
# after the map; extra conversations can follow in a later round).
FINISHABLE: frozenset[Step] = frozenset(
    {Step.BRAINSTORM_CLOSED, Step.PRIORITIES_CLOSED, Step.DEEP_CLOSED, Step.CLOSING_CLOSED}
)


def can_move(current: Step, target: Step) -> bool:
    """True when the protocol allows a round to go from current to target."""
    return target in TRANSITIONS[current]


class Stage(StrEnum):
    """The screen of the private dialog a member is on; stored, so a restart resumes it."""

    PRIVACY = "privacy"  # short privacy notice with the role buttons (a role is consent)
    ROLE = "role"  # waiting for a role button
    FUNCTION = "function"  # waiting for an optional free-text function
    INTRO_Q1 = "intro_q1"  # step 1: first reflection question
    INTRO_Q2 = "intro_q2"  # step 1: second reflection question
    DEFINITIONS = "definitions"  # step 1: definitions shown, waiting for "verder"
    REVIEW = "review"  # yearly update: keep, move or drop each partner named last round
    BRAINSTORM = "brainstorm"  # step 2A: waiting for a partner name
    KIND = "kind"  # classifying the current post-it: individu / team / organisatie
    CATEGORY = "category"  # ... its category
    DISTANCE = "distance"  # ... its distance to the school
    EDIT_KIND = "edit_kind"  # changing one field of an existing post-it from its card
    EDIT_CATEGORY = "edit_category"
    EDIT_DISTANCE = "edit_distance"
    RENAME = "rename"  # waiting for a new name of the current post-it
    DONE = "done"  # tapped "klaar"; may reopen while the brainstorm is open
    WAITING = "waiting"  # between steps: waiting for the principal to open the next one
    PRIORITY = "priority"  # step 2C: choosing one partner from the merged map
    PRIORITY_REASON = "priority_reason"  # ... optionally saying why in one line
    PRIORITY_DONE = "priority_done"  # picked; may change until the principal closes 2C
    DEEP = "deep"  # step 3: choosing a partner or a reflection card
    DEEP_ANSWER = "deep_answer"  # ... writing an answer on one card (several messages allowed)
    DEEP_DONE = "deep_done"  # at least one card per phase answered; may still change
    CLOSING = "closing"  # step 4: on one of the seven closing questions
    ABSENCE_NAME = "absence_name"  # ... naming a missing partner, expertise or perspective
    ABSENCE_WHY = "absence_why"  # ... why it was not named spontaneously
    ABSENCE_STEPS = "absence_steps"  # ... which steps can fill the gap
    CLOSING_DONE = "closing_done"  # all seven seen; may still add until the step closes
    LOOK = "look"  # 2B's second look: "Mis je iemand op de kaart? Zie je een verband?"
    LOOK_KIND = "look_kind"  # ... a partner added on the map: its kind
    LOOK_CATEGORY = "look_category"  # ... its category
    LOOK_DISTANCE = "look_distance"  # ... its distance to the school
    LOOK_LINK = "look_link"  # ... tapping the two partners of a link
    LOOK_PLACE = "look_place"  # ... a disputed partner: closer, as it is, or further (blind)
    LOOK_DONE = "look_done"  # nothing more for now; may come back until the look closes


ONBOARDING: tuple[Stage, ...] = (
    Stage.PRIVACY,
    Stage.ROLE,
    Stage.FUNCTION,
    Stage.INTRO_Q1,
    Stage.INTRO_Q2,
    Stage.DEFINITIONS,
)

# Classifying a new post-it walks these stages in order (PROTOCOL §2.2 step 2A, PROPOSAL).
CLASSIFY: tuple[Stage, ...] = (Stage.KIND, Stage.CATEGORY, Stage.DISTANCE)

# Changing one field from a post-it's card returns to the card afterwards.
EDIT_STAGE: dict[str, Stage] = {
    "kind": Stage.EDIT_KIND,
    "category": Stage.EDIT_CATEGORY,
    "distance": Stage.EDIT_DISTANCE,
}

# Stages in which the member is working on their list (the brainstorm is theirs to change).
BRAINSTORMING: frozenset[Stage] = frozenset(
    {
        Stage.BRAINSTORM,
        Stage.KIND,
        Stage.CATEGORY,
        Stage.DISTANCE,
        Stage.EDIT_KIND,
        Stage.EDIT_CATEGORY,
        Stage.EDIT_DISTANCE,
        Stage.RENAME,
    }
)

# Classifying a partner added in the second look: the brainstorm's questions, in its order.
LOOK_CLASSIFY: tuple[Stage, ...] = (Stage.LOOK_KIND, Stage.LOOK_CATEGORY, Stage.LOOK_DISTANCE)

LOOKING: frozenset[Stage] = frozenset(
    {Stage.LOOK, *LOOK_CLASSIFY, Stage.LOOK_LINK, Stage.LOOK_PLACE, Stage.LOOK_DONE}
)

STAGE_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.PRIVACY: frozenset({Stage.ROLE, Stage.FUNCTION}),
    Stage.ROLE: frozenset({Stage.FUNCTION}),
    Stage.FUNCTION: frozenset({Stage.INTRO_Q1}),
    Stage.INTRO_Q1: frozenset({Stage.INTRO_Q2}),
    Stage.INTRO_Q2: frozenset({Stage.DEFINITIONS}),
    Stage.DEFINITIONS: frozenset(
        {
            Stage.BRAINSTORM,
            Stage.REVIEW,
            Stage.WAITING,
            Stage.PRIORITY,
            Stage.DEEP,
            Stage.CLOSING,
            Stage.LOOK,
        }
    ),
    # After the review the new post-its without kind, category or distance are asked first.
    Stage.REVIEW: frozenset({Stage.BRAINSTORM, Stage.KIND, Stage.WAITING}),
    **{stage: BRAINSTORMING | {Stage.DONE, Stage.WAITING} for stage in BRAINSTORMING},
    Stage.DONE: frozenset({Stage.BRAINSTORM, Stage.KIND, Stage.WAITING}),
    Stage.WAITING: frozenset({Stage.PRIORITY, Stage.DEEP, Stage.CLOSING, Stage.LOOK}),
    Stage.PRIORITY: frozenset({Stage.PRIORITY_REASON, Stage.WAITING}),
    Stage.PRIORITY_REASON: frozenset({Stage.PRIORITY_DONE, Stage.PRIORITY, Stage.WAITING}),
    Stage.PRIORITY_DONE: frozenset({Stage.PRIORITY, Stage.WAITING}),
    Stage.DEEP: frozenset({Stage.DEEP_ANSWER, Stage.DEEP_DONE, Stage.WAITING}),
    Stage.DEEP_ANSWER: frozenset({Stage.DEEP, Stage.WAITING}),
    Stage.DEEP_DONE: frozenset({Stage.DEEP, Stage.WAITING}),
    Stage.CLOSING: frozenset({Stage.ABSENCE_NAME, Stage.CLOSING_DONE, Stage.WAITING}),
    Stage.ABSENCE_NAME: frozenset({Stage.ABSENCE_WHY, Stage.CLOSING, Stage.WAITING}),
    Stage.ABSENCE_WHY: frozenset({Stage.ABSENCE_STEPS, Stage.WAITING}),
    Stage.ABSENCE_STEPS: frozenset({Stage.CLOSING, Stage.WAITING}),
    Stage.CLOSING_DONE: frozenset({Stage.CLOSING, Stage.WAITING}),
    # The second look: any of its screens may follow another; closing it means WAITING.
    **{stage: LOOKING | {Stage.WAITING} for stage in LOOKING},
}

CLOSING_STAGES: frozenset[Stage] = frozenset(
    {Stage.CLOSING, Stage.ABSENCE_NAME, Stage.ABSENCE_WHY, Stage.ABSENCE_STEPS,
     Stage.CLOSING_DONE}
)  # fmt: skip

DEEPENING: frozenset[Stage] = frozenset({Stage.DEEP, Stage.DEEP_ANSWER, Stage.DEEP_DONE})

PRIORITISING: frozenset[Stage] = frozenset(
    {Stage.PRIORITY, Stage.PRIORITY_REASON, Stage.PRIORITY_DONE}
)


def next_onboarding(stage: Stage, *, brainstorm_open: bool, priorities_open: bool = False) -> Stage:
    """The stage after an onboarding stage: the brainstorm if open, else the step that is."""
    index = ONBOARDING.index(stage)
    if index + 1 < len(ONBOARDING):
        return ONBOARDING[index + 1]
    if brainstorm_open:
        return Stage.BRAINSTORM
    return Stage.PRIORITY if priorities_open else Stage.WAITING


def next_classify(stage: Stage) -> Stage | None:
    """The next classification question after this one, or None when the post-it is done."""
    order = LOOK_CLASSIFY if stage in LOOK_CLASSIFY else CLASSIFY
    index = order.index(stage)
    return order[index + 1] if index + 1 < len(order) else None


def can_enter(current: Stage, target: Stage) -> bool:
    """True when a member's dialog may go from current to target (staying put is always fine)."""
    return current == target or target in STAGE_TRANSITIONS[current]


# When the principal closes the brainstorm, every stage except the onboarding ones becomes WAITING.
def stage_after_brainstorm_closed(stage: Stage) -> Stage:
    """Where a member goes when the principal closes the brainstorm."""
    return stage if stage in ONBOARDING else Stage.WAITING


def stage_after_step_closed(stage: Stage) -> Stage:
    """Where a member goes when the principal closes any step: onboarding may be finished."""
    return stage if stage in ONBOARDING else Stage.WAITING


def mermaid() -> str:
    """The member's dialog as a Mermaid state diagram, generated from STAGE_TRANSITIONS."""
    lines = ["stateDiagram-v2", f"    [*] --> {Stage.PRIVACY.value}"]
    for stage in Stage:
        for target in sorted(STAGE_TRANSITIONS[stage], key=lambda s: list(Stage).index(s)):
            lines.append(f"    {stage.value} --> {target.value}")
    return "\n".join(lines) + "\n"


def dialog_doc() -> str:
    """docs/dialog.md: the diagram with a line on where it comes from."""
    return (
        "# The member's private dialog\n\n"
        "Generated from `core/protocol.py` `STAGE_TRANSITIONS`: "
        "`python -m core.protocol > docs/dialog.md`. A test checks it is current.\n\n"
        "The `look*` stages are the second look at the merged map: a sub-stage of step 2B "
        "(`Step.BRAINSTORM_CLOSED`), not a step of its own. It opens when the group gets the "
        "map (every member on `waiting` is invited once), and closes when the principal says "
        "so (control message or `/sluit`) or opens the next step; members then return to "
        "`waiting` and the map in the group is updated once (`core/look.py`).\n\n"
        f"```mermaid\n{mermaid()}```\n"
    )


if __name__ == "__main__":
    print(dialog_doc(), end="")


class EditorStage(StrEnum):
    """Where the principal is in the map editor (/bewerk)."""

    BROWSE = "browse"  # the list of partners or one partner's card, waiting for a button
    RENAME = "rename"  # waiting for the partner's new name


class Typing(StrEnum):
    """Which conversation a typed private message is for, besides the member's own dialog:
    checked in this order (the first that takes the text wins), then the member dialog."""

    RENAME = "rename"  # the principal renames a partner in the map editor
    COMMITMENT = "commitment"  # a part of an agreed next step, or the line after a check-in
    NOTE = "note"  # a facilitator or note taker writes what the team takes from a step
    SURVEY = "survey"  # a colleague answers the member check


class SurveyStage(StrEnum):
    """The screen of the member check a colleague is on; stored, so a restart resumes it."""

    INTRO = "intro"  # the map and its findings, waiting for "start"
    ROLE = "role"  # waiting for a function button
    FUNCTION = "function"  # waiting for an optional free-text function
    QUESTION = "question"  # one of the four questions, answers typed
    MISSING = "missing"  # partners this colleague misses, one per message
    DONE = "done"  # thanked
