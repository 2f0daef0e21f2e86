"""Step 1 in private: the two reflection questions on collective learning, then the definitions."""

from __future__ import annotations

from core.edits import SourceKind
from core.protocol import Stage, Step, next_onboarding
from core.validation import Problem, clean_answer
from prompts import Html

from .base import Button, Ctx, Outcome, Screen, rows

QUESTIONS: dict[Stage, str] = {Stage.INTRO_Q1: "INTRO.Q1", Stage.INTRO_Q2: "INTRO.Q2"}


def opening_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen:
    """The aim of the tool and the first question, in one message."""
    question = question_screen(ctx, Stage.INTRO_Q1, answered=False)
    parts = [x for x in (lead, ctx.t("intro.goals"), question.text) if x]
    return Screen(Html("\n\n".join(parts)), question.rows)


def question_screen(ctx: Ctx, stage: Stage, *, answered: bool) -> Screen:
    """One reflection question; skip before an answer, next after one."""
    number = 1 if stage is Stage.INTRO_Q1 else 2
    key = "intro.question_1" if number == 1 else "intro.question_2"
    if answered:
        return Screen(ctx.t(key), rows(Button(ctx.plain("btn.next_question"), "inext")))
    return Screen(ctx.t(key), rows(Button(ctx.plain("btn.skip"), "inext")))


def definitions_screen(ctx: Ctx) -> Screen:
    """The research definitions of both key concepts, with a button to the brainstorm."""
    return Screen(ctx.t("intro.definitions"), rows(Button(ctx.plain("btn.to_brainstorm"), "defs")))


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current introduction stage."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.DEFINITIONS:
        return definitions_screen(ctx)
    answered = any(a.question_id == QUESTIONS[stage] for a in await ctx.tx.answers(ctx.member.id))
    return question_screen(ctx, stage, answered=answered)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """Adds the message to the answer of the current question and offers the next one."""
    stage = Stage(ctx.member.stage)
    question_id = QUESTIONS[stage]
    existing = {a.question_id: a.text for a in await ctx.tx.answers(ctx.member.id)}
    cleaned = clean_answer(text, already=len(existing.get(question_id, "")))
    if isinstance(cleaned, Problem):
        return Outcome(
            [Screen(ctx.t(cleaned.key, **cleaned.fields)), await current_screen(ctx)],
        )
    await ctx.tx.add_answer(ctx.member.id, question_id, cleaned)
    await ctx.tx.note_source(
        SourceKind.CONCEPT, cleaned, member_id=ctx.member.id, question_id=question_id
    )
    return Outcome(
        [
            Screen(
                ctx.t("intro.saved"),
                rows(Button(ctx.plain("btn.next_question"), "inext")),
            )
        ]
    )


async def on_next(ctx: Ctx) -> Outcome:
    """Leaves the current question (answered or skipped) and shows what comes next."""
    stage = Stage(ctx.member.stage)
    following = next_onboarding(stage, brainstorm_open=True)
    await ctx.move(following)
    if following is Stage.DEFINITIONS:
        return Outcome([definitions_screen(ctx)], intro_finished=True)
    return Outcome([question_screen(ctx, following, answered=False)])


async def _look_open(ctx: Ctx) -> bool:
    look = await ctx.tx.look_of(ctx.round.id)
    return look is not None and look.is_open


async def on_definitions_read(ctx: Ctx) -> Outcome:
    """Starts the brainstorm, or says it is already closed."""
    brainstorm_open = ctx.round.step == Step.BRAINSTORM.value
    priorities_open = ctx.round.step == Step.PRIORITIES.value
    following = next_onboarding(
        Stage.DEFINITIONS, brainstorm_open=brainstorm_open, priorities_open=priorities_open
    )
    if following is Stage.WAITING and ctx.round.step == Step.DEEP.value:
        following = Stage.DEEP
    if following is Stage.WAITING and ctx.round.step == Step.CLOSING.value:
        following = Stage.CLOSING
    if following is Stage.WAITING and await _look_open(ctx):
        # The map is shared and its second look runs: a late colleague takes it too.
        following = Stage.LOOK
    if following is Stage.BRAINSTORM and await ctx.tx.previous_postits(ctx.member):
        # A new round after a kept one: last year's partners first (the yearly update).
        await ctx.move(Stage.REVIEW)
        return Outcome(enter=Stage.REVIEW)
    await ctx.move(following)
    return Outcome(enter=following)
