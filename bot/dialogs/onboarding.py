"""Joining a round in private: privacy notice, role and function (step 0 for the member).

A member reads at most two messages before typing a first answer: the short notice with the
role buttons (edited into the optional function question), then the aims with question 1.
"""

from __future__ import annotations

from core.model import Role
from core.protocol import Stage, Step, next_onboarding
from core.validation import Problem, clean_function
from prompts import Html

from . import intro
from .base import Button, Ctx, Outcome, Screen, rows

ROLE_ORDER = (Role.LERAAR, Role.DIRECTIE, Role.ZORG, Role.BELEIDSONDERSTEUNER, Role.ANDERE)


def _role_buttons(ctx: Ctx) -> list[Button]:
    return [Button(ctx.plain(f"role.{role.value}"), "role", role.value) for role in ROLE_ORDER]


def privacy_screen(ctx: Ctx, *, full: bool = False) -> Screen:
    """The first message: a short privacy notice (or, on request, the full one) with the role
    question; choosing a role is agreeing to the notice."""
    school = ctx.team.school_name or ""
    key = "privacy.notice" if full else "privacy.short"
    buttons = _role_buttons(ctx)
    if not full:
        buttons.append(Button(ctx.plain("btn.privacy_more"), "more"))
    return Screen(ctx.t(key, school=school), rows(*buttons))


def role_screen(ctx: Ctx) -> Screen:
    """The role question with one button per role."""
    return Screen(ctx.t("role.ask"), rows(*_role_buttons(ctx)))


def function_screen(ctx: Ctx) -> Screen:
    """The optional function question, with a button to go on without one."""
    role = ctx.member.role
    return Screen(
        ctx.t("function.ask", role=ctx.plain(f"role.{role.value}") if role else ""),
        rows(Button(ctx.plain("btn.skip"), "fskip")),
    )


async def on_privacy_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """'Meer weten' shows the full notice in the same message; a role agrees and goes on."""
    if action == "more":
        return Outcome([privacy_screen(ctx, full=True)], replace=True)
    if action == "agree":  # a notice sent before the role was part of it
        await ctx.move(Stage.ROLE)
        return Outcome([role_screen(ctx)], replace=True)
    if action == "role":
        return await on_role(ctx, arg)
    return None


async def on_role(ctx: Ctx, value: str) -> Outcome:
    """Stores the chosen role; the same message asks for an optional function."""
    try:
        role = Role(value)
    except ValueError:
        return Outcome([role_screen(ctx)], toast=ctx.plain("err.stale"))
    await ctx.move(Stage.FUNCTION, role=role)
    return Outcome([function_screen(ctx)], toast=ctx.plain(f"role.{role.value}"), replace=True)


async def on_function_text(ctx: Ctx, text: str) -> Outcome:
    """Stores the typed function and goes on to the introduction."""
    cleaned = clean_function(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), function_screen(ctx)])
    await ctx.update(function=cleaned)
    return await _after_function(ctx, ctx.t("function.saved", function=cleaned))


async def on_function_skip(ctx: Ctx) -> Outcome:
    """Leaves the function empty: the question's message keeps only the role, and the
    introduction follows."""
    role = ctx.member.role
    chosen = ctx.t("function.role_only", role=ctx.plain(f"role.{role.value}") if role else "")
    outcome = await _after_function(ctx, None)
    outcome.screens.insert(0, Screen(chosen))
    outcome.replace = True
    return outcome


async def _after_function(ctx: Ctx, confirmation: Html | None) -> Outcome:
    brainstorm_open = ctx.round.step == Step.BRAINSTORM.value
    await ctx.move(next_onboarding(Stage.FUNCTION, brainstorm_open=brainstorm_open))
    return Outcome([intro.opening_screen(ctx, lead=confirmation)])
