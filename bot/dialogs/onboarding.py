"""Joining a round in private: privacy notice, role and function (step 0 for the member)."""

from __future__ import annotations

from core.model import Role
from core.protocol import Stage, Step, next_onboarding
from core.validation import Problem, clean_function
from prompts import Html

from . import intro
from .base import Button, Ctx, Outcome, Screen, rows

ROLE_ORDER = (Role.LERAAR, Role.DIRECTIE, Role.ZORG, Role.BELEIDSONDERSTEUNER, Role.ANDERE)


def privacy_screen(ctx: Ctx) -> Screen:
    """The privacy notice with one button to agree."""
    return Screen(
        ctx.t("privacy.notice", school=ctx.team.school_name or ""),
        rows(Button(ctx.plain("btn.agree"), "agree")),
    )


def role_screen(ctx: Ctx) -> Screen:
    """The role question with one button per role."""
    buttons = [Button(ctx.plain(f"role.{role.value}"), "role", role.value) for role in ROLE_ORDER]
    return Screen(ctx.t("role.ask"), rows(*buttons))


def function_screen(ctx: Ctx) -> Screen:
    """The optional function question, with a skip button."""
    role = ctx.member.role
    return Screen(
        ctx.t("function.ask", role=ctx.plain(f"role.{role.value}") if role else ""),
        rows(Button(ctx.plain("btn.skip"), "fskip")),
    )


async def on_agree(ctx: Ctx) -> Outcome:
    """Records consent to the notice and asks the role."""
    await ctx.move(Stage.ROLE)
    return Outcome([role_screen(ctx)])


async def on_role(ctx: Ctx, value: str) -> Outcome:
    """Stores the chosen role and asks for an optional function."""
    try:
        role = Role(value)
    except ValueError:
        return Outcome([role_screen(ctx)], toast=ctx.plain("err.stale"))
    await ctx.move(Stage.FUNCTION, role=role)
    return Outcome([function_screen(ctx)])


async def on_function_text(ctx: Ctx, text: str) -> Outcome:
    """Stores the typed function and goes on to the introduction."""
    cleaned = clean_function(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), function_screen(ctx)])
    await ctx.update(function=cleaned)
    return await _after_function(ctx, ctx.t("function.saved", function=cleaned))


async def on_function_skip(ctx: Ctx) -> Outcome:
    """Leaves the function empty and goes on to the introduction."""
    return await _after_function(ctx, None)


async def _after_function(ctx: Ctx, confirmation: Html | None) -> Outcome:
    brainstorm_open = ctx.round.step == Step.BRAINSTORM.value
    await ctx.move(next_onboarding(Stage.FUNCTION, brainstorm_open=brainstorm_open))
    screens = [Screen(confirmation)] if confirmation else []
    screens.extend(intro.opening_screens(ctx))
    return Outcome(screens)
