"""The conversation engine of a member's dialog: a stage -> dialog table, and outcomes resolved.

Every stage of `core.protocol.Stage` has one entry in STAGES: the screen a member sees there,
what a typed message does and what a button does. Dialog modules never import each other to
show the next stage: an outcome says `enter=Stage.X` (show X's opening screens) or
`then_current=True` (show the current screen after the reply), and `resolve` does it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.protocol import BRAINSTORMING, CLOSING_STAGES, DEEPENING, PRIORITISING, Stage

from . import brainstorm, closing, deep, intro, links, onboarding, priority, review
from .base import Ctx, Outcome, Screen

ScreenFn = Callable[[Ctx], Awaitable[Screen]]
TextFn = Callable[[Ctx, str], Awaitable[Outcome]]
ButtonFn = Callable[[Ctx, str, str], Awaitable[Outcome | None]]


@dataclass(frozen=True)
class StageDialog:
    """What one stage of the member's dialog does."""

    screen: ScreenFn
    text: TextFn | None = None  # None: the stage waits for a button
    button: ButtonFn | None = None


def _fixed(make: Callable[[Ctx], Screen]) -> ScreenFn:
    async def screen(ctx: Ctx) -> Screen:
        return make(ctx)

    return screen


def _on(action: str, run: Callable[[Ctx], Awaitable[Outcome]]) -> ButtonFn:
    """A stage with one button action; any other tap is stale."""

    async def button(ctx: Ctx, tapped: str, arg: str) -> Outcome | None:
        return await run(ctx) if tapped == action else None

    return button


async def _on_role(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    return await onboarding.on_role(ctx, arg) if action == "role" else None


async def _waiting(ctx: Ctx) -> Screen:
    return Screen(ctx.t("member.waiting"))


async def _waiting_text(ctx: Ctx, text: str) -> Outcome:
    return Outcome([Screen(ctx.t("member.waiting"))])


_BRAINSTORM = StageDialog(brainstorm.current_screen, brainstorm.on_text, brainstorm.on_button)
_PRIORITY = StageDialog(priority.current_screen, priority.on_text, priority.on_button)
_DEEP = StageDialog(deep.current_screen, deep.on_text, deep.on_button)
_CLOSING = StageDialog(closing.current_screen, closing.on_text, closing.on_button)
_QUESTION = StageDialog(intro.current_screen, intro.on_text, _on("inext", intro.on_next))

STAGES: dict[Stage, StageDialog] = {
    Stage.PRIVACY: StageDialog(
        _fixed(onboarding.privacy_screen), None, _on("agree", onboarding.on_agree)
    ),
    Stage.ROLE: StageDialog(_fixed(onboarding.role_screen), None, _on_role),
    Stage.FUNCTION: StageDialog(
        _fixed(onboarding.function_screen),
        onboarding.on_function_text,
        _on("fskip", onboarding.on_function_skip),
    ),
    Stage.INTRO_Q1: _QUESTION,
    Stage.INTRO_Q2: _QUESTION,
    Stage.DEFINITIONS: StageDialog(
        intro.current_screen, None, _on("defs", intro.on_definitions_read)
    ),
    Stage.REVIEW: StageDialog(review.current_screen, review.on_text, review.on_button),
    **{stage: _BRAINSTORM for stage in BRAINSTORMING | {Stage.DONE}},
    Stage.WAITING: StageDialog(_waiting, _waiting_text),
    **{stage: _PRIORITY for stage in PRIORITISING},
    **{stage: _DEEP for stage in DEEPENING},
    **{stage: _CLOSING for stage in CLOSING_STAGES},
}


async def _brainstorm_start(ctx: Ctx) -> list[Screen]:
    return [await brainstorm.prompt_screen(ctx, intro=True)]


async def _priority_start(ctx: Ctx) -> list[Screen]:
    return [await priority.pick_screen(ctx)]


async def _waiting_start(ctx: Ctx) -> list[Screen]:
    return [await _waiting(ctx)]


# The opening screens of a stage a member enters from another dialog.
OPENINGS: dict[Stage, Callable[[Ctx], Awaitable[list[Screen]]]] = {
    Stage.REVIEW: review.start_screens,
    Stage.BRAINSTORM: _brainstorm_start,
    Stage.PRIORITY: _priority_start,
    Stage.DEEP: deep.start_screens,
    Stage.CLOSING: closing.start_screens,
    Stage.WAITING: _waiting_start,
}


async def resolve(ctx: Ctx, outcome: Outcome) -> Outcome:
    """Carry out what the outcome asks of the engine: a stage's opening, the current screen."""
    if outcome.enter is not None:
        outcome.screens += await OPENINGS[outcome.enter](ctx)
        outcome.enter = None
    if outcome.then_current:
        outcome.screens.append(await current_screen(ctx))
        outcome.then_current = False
    return outcome


async def current_screen(ctx: Ctx) -> Screen:
    """The screen a member sees when they come back (after /start, a restart or a stale tap)."""
    return await STAGES[Stage(ctx.member.stage)].screen(ctx)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """Handles a typed message according to the member's stage."""
    dialog = STAGES[Stage(ctx.member.stage)]
    if dialog.text is None:
        # Privacy, role and definitions wait for a button: say so and show them again.
        return Outcome([Screen(ctx.t("err.use_buttons")), await current_screen(ctx)])
    return await resolve(ctx, await dialog.text(ctx, text))


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Handles a tapped button; None when it does not fit the member's stage (stale)."""
    dialog = STAGES[Stage(ctx.member.stage)]
    outcome = await dialog.button(ctx, action, arg) if dialog.button else None
    return await resolve(ctx, outcome) if outcome is not None else None


async def on_link(ctx: Ctx, text: str) -> Outcome:
    """/verband A — B from any stage."""
    return await resolve(ctx, await links.on_link(ctx, text))
