"""Route a member's direct message or button tap to the dialog of the stage they are on."""

from __future__ import annotations

from core.protocol import BRAINSTORMING, CLOSING_STAGES, DEEPENING, PRIORITISING, Stage

from . import brainstorm, closing, deep, intro, onboarding, priority, review
from .base import Ctx, Outcome, Screen


async def current_screen(ctx: Ctx) -> Screen:
    """The screen a member sees when they come back (after /start, a restart or a stale tap)."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.PRIVACY:
        return onboarding.privacy_screen(ctx)
    if stage is Stage.ROLE:
        return onboarding.role_screen(ctx)
    if stage is Stage.FUNCTION:
        return onboarding.function_screen(ctx)
    if stage in (Stage.INTRO_Q1, Stage.INTRO_Q2, Stage.DEFINITIONS):
        return await intro.current_screen(ctx)
    if stage is Stage.REVIEW:
        return await review.current_screen(ctx)
    if stage in BRAINSTORMING or stage is Stage.DONE:
        return await brainstorm.current_screen(ctx)
    if stage in PRIORITISING:
        return await priority.current_screen(ctx)
    if stage in DEEPENING:
        return await deep.current_screen(ctx)
    if stage in CLOSING_STAGES:
        return await closing.current_screen(ctx)
    return Screen(ctx.t("member.waiting"))


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """Handles a typed message according to the member's stage."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.FUNCTION:
        return await onboarding.on_function_text(ctx, text)
    if stage in (Stage.INTRO_Q1, Stage.INTRO_Q2):
        return await intro.on_text(ctx, text)
    if stage is Stage.REVIEW:
        return await review.on_text(ctx, text)
    if stage in BRAINSTORMING or stage is Stage.DONE:
        return await brainstorm.on_text(ctx, text)
    if stage in PRIORITISING:
        return await priority.on_text(ctx, text)
    if stage in DEEPENING:
        return await deep.on_text(ctx, text)
    if stage in CLOSING_STAGES:
        return await closing.on_text(ctx, text)
    if stage is Stage.WAITING:
        return Outcome([Screen(ctx.t("member.waiting"))])
    # Privacy, role and definitions wait for a button: say so and show them again.
    return Outcome([Screen(ctx.t("err.use_buttons")), await current_screen(ctx)])


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Handles a tapped button; None when it does not fit the member's stage (stale)."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.PRIVACY and action == "agree":
        return await onboarding.on_agree(ctx)
    if stage is Stage.ROLE and action == "role":
        return await onboarding.on_role(ctx, arg)
    if stage is Stage.FUNCTION and action == "fskip":
        return await onboarding.on_function_skip(ctx)
    if stage in (Stage.INTRO_Q1, Stage.INTRO_Q2) and action == "inext":
        return await intro.on_next(ctx)
    if stage is Stage.DEFINITIONS and action == "defs":
        return await intro.on_definitions_read(ctx)
    if stage is Stage.REVIEW:
        return await review.on_button(ctx, action, arg)
    if stage in BRAINSTORMING or stage is Stage.DONE:
        return await brainstorm.on_button(ctx, action, arg)
    if stage in PRIORITISING:
        return await priority.on_button(ctx, action, arg)
    if stage in DEEPENING:
        return await deep.on_button(ctx, action, arg)
    if stage in CLOSING_STAGES:
        return await closing.on_button(ctx, action, arg)
    return None
