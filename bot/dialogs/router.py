"""The stage -> dialog tables of every private conversation, run by `engine.Engine`.

MEMBER: every stage of `core.protocol.Stage` has one entry in STAGES: the screen a member sees
there, what a typed message does and what a button does. Dialog modules never import each other
to show the next stage: an outcome says `enter=Stage.X` (show X's opening screens) or
`then_current=True` (show the current screen after the reply), and the engine does it.
EDITOR: the principal's map editor (`EditorStage`). SURVEY: a colleague's member check
(`SurveyStage`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.protocol import (
    BRAINSTORMING,
    CLOSING_STAGES,
    DEEPENING,
    LOOKING,
    PRIORITISING,
    EditorStage,
    Stage,
    Step,
    SurveyStage,
)

from . import (
    brainstorm,
    closing,
    deep,
    editor,
    intro,
    links,
    look,
    onboarding,
    priority,
    review,
    survey,
)
from .base import Ctx, Outcome, Screen
from .editor import EditorCtx
from .engine import Engine, StageDialog, fixed, on
from .survey import SurveyCtx


async def _on_role(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    return await onboarding.on_role(ctx, arg) if action == "role" else None


def _waiting_key(ctx: Ctx) -> str:
    """Between steps: what is true for the step the round is at (not 'the brainstorm is
    closed' during step 4)."""
    if ctx.round.step == Step.BRAINSTORM_CLOSED.value:
        return "member.waiting"
    return "member.waiting_later"


async def _waiting(ctx: Ctx) -> Screen:
    return Screen(ctx.t(_waiting_key(ctx)))


async def _waiting_text(ctx: Ctx, text: str) -> Outcome:
    return Outcome([Screen(ctx.t(_waiting_key(ctx)))])


_BRAINSTORM = StageDialog[Ctx](brainstorm.current_screen, brainstorm.on_text, brainstorm.on_button)
_PRIORITY = StageDialog[Ctx](priority.current_screen, priority.on_text, priority.on_button)
_DEEP = StageDialog[Ctx](deep.current_screen, deep.on_text, deep.on_button)
_CLOSING = StageDialog[Ctx](closing.current_screen, closing.on_text, closing.on_button)
_QUESTION = StageDialog[Ctx](intro.current_screen, intro.on_text, on("inext", intro.on_next))
_LOOK = StageDialog[Ctx](look.current_screen, look.on_text, look.on_button)

STAGES: dict[Stage, StageDialog[Ctx]] = {
    Stage.PRIVACY: StageDialog[Ctx](
        fixed(onboarding.privacy_screen), None, onboarding.on_privacy_button
    ),
    Stage.ROLE: StageDialog[Ctx](fixed(onboarding.role_screen), None, _on_role),
    Stage.FUNCTION: StageDialog[Ctx](
        fixed(onboarding.function_screen),
        onboarding.on_function_text,
        on("fskip", onboarding.on_function_skip),
    ),
    Stage.INTRO_Q1: _QUESTION,
    Stage.INTRO_Q2: _QUESTION,
    Stage.DEFINITIONS: StageDialog[Ctx](
        intro.current_screen, None, on("defs", intro.on_definitions_read)
    ),
    Stage.REVIEW: StageDialog[Ctx](review.current_screen, review.on_text, review.on_button),
    **{stage: _BRAINSTORM for stage in BRAINSTORMING | {Stage.DONE}},
    Stage.WAITING: StageDialog[Ctx](_waiting, _waiting_text),
    **{stage: _PRIORITY for stage in PRIORITISING},
    **{stage: _DEEP for stage in DEEPENING},
    **{stage: _CLOSING for stage in CLOSING_STAGES},
    **{stage: _LOOK for stage in LOOKING},
}


async def _brainstorm_start(ctx: Ctx) -> list[Screen]:
    return [await brainstorm.prompt_screen(ctx, intro=True)]


async def _priority_start(ctx: Ctx) -> list[Screen]:
    return [await priority.pick_screen(ctx)]


async def _waiting_start(ctx: Ctx) -> list[Screen]:
    return [await _waiting(ctx)]


async def _look_start(ctx: Ctx) -> list[Screen]:
    return [await look.invitation(ctx)]


# The opening screens of a stage a member enters from another dialog.
OPENINGS: dict[Stage, Callable[[Ctx], Awaitable[list[Screen]]]] = {
    Stage.REVIEW: review.start_screens,
    Stage.BRAINSTORM: _brainstorm_start,
    Stage.PRIORITY: _priority_start,
    Stage.DEEP: deep.start_screens,
    Stage.CLOSING: closing.start_screens,
    Stage.WAITING: _waiting_start,
    Stage.LOOK: _look_start,
}


async def _use_buttons(ctx: Ctx) -> list[Screen]:
    # Privacy, role and definitions wait for a button: say so and show them again.
    return [Screen(ctx.t("err.use_buttons")), await MEMBER.current_screen(ctx)]


MEMBER: Engine[Ctx, Stage] = Engine(
    STAGES, lambda ctx: Stage(ctx.member.stage), OPENINGS, _use_buttons
)


async def current_screen(ctx: Ctx) -> Screen:
    """The screen a member sees when they come back (after /start, a restart or a stale tap)."""
    return await MEMBER.current_screen(ctx)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """Handles a typed message according to the member's stage."""
    outcome = await MEMBER.on_text(ctx, text)
    assert outcome is not None  # the member's dialog answers every message
    return outcome


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Handles a tapped button; None when it does not fit the member's stage (stale)."""
    return await MEMBER.on_button(ctx, action, arg)


async def on_link(ctx: Ctx, text: str) -> Outcome:
    """/verband A — B from any stage (in the second look, a link proposed for the map)."""
    if Stage(ctx.member.stage) in LOOKING:
        return await MEMBER.resolve(ctx, await look.on_link(ctx, text))
    return await MEMBER.resolve(ctx, await links.on_link(ctx, text))


# -- the principal's map editor -------------------------------------------------------------

_EDITOR_BROWSE = StageDialog[EditorCtx](editor.current_screen, None, editor.on_button)

# Outside the rename question a typed message is not the editor's: the member's dialog takes it.
EDITOR: Engine[EditorCtx, EditorStage] = Engine(
    {
        EditorStage.BROWSE: _EDITOR_BROWSE,
        EditorStage.RENAME: StageDialog[EditorCtx](
            editor.current_screen, editor.on_rename, editor.on_button
        ),
    },
    lambda ctx: ctx.stage,
)


# -- a colleague's member check --------------------------------------------------------------


async def _survey_use_buttons(ctx: SurveyCtx) -> list[Screen]:
    return [Screen(ctx.t("err.use_buttons")), await SURVEY.current_screen(ctx)]


SURVEY: Engine[SurveyCtx, SurveyStage] = Engine(
    {
        SurveyStage.INTRO: StageDialog[SurveyCtx](
            survey.intro_screen, None, on("start", survey.on_start)
        ),
        SurveyStage.ROLE: StageDialog[SurveyCtx](fixed(survey.role_screen), None, survey.on_role),
        SurveyStage.FUNCTION: StageDialog[SurveyCtx](
            fixed(survey.function_screen),
            survey.on_function,
            on("fskip", survey.on_function_skip),
        ),
        SurveyStage.QUESTION: StageDialog[SurveyCtx](
            fixed(survey.question_screen), survey.on_answer, on("next", survey.on_next_question)
        ),
        SurveyStage.MISSING: StageDialog[SurveyCtx](
            fixed(survey.missing_screen), survey.on_missing, on("mdone", survey.on_missing_done)
        ),
        SurveyStage.DONE: StageDialog[SurveyCtx](fixed(survey.done_screen)),
    },
    lambda ctx: ctx.respondent.stage,
    not_a_text_stage=_survey_use_buttons,
)
