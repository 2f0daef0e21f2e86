"""Step 4 in private: the seven closing questions (Afsluiter: terug- en vooruitblik).

Every question may be skipped or answered in several messages. The metaphor question shows the
source's parachute example; the over-representation question shows how often each partner was
named; at the missing-partner question the member can also note absences one by one (what is
missing, why it was not named spontaneously, which steps can fill the gap).
"""

from __future__ import annotations

from core.edits import SourceKind
from core.protocol import Stage
from core.validation import Problem, clean_answer, clean_partner_name
from prompts import Html

from . import mapview
from .base import Button, Ctx, Outcome, Screen

QUESTIONS = tuple(f"CLOSE.Q{n}" for n in range(1, 8))
ABSENCE_QUESTION = "CLOSE.Q4"
MAX_COUNTS = 12


async def start_screens(ctx: Ctx) -> list[Screen]:
    """The instruction (CLOSE.I) and the first question."""
    await ctx.update(closing_question=QUESTIONS[0])
    return [Screen(ctx.t("closing.intro")), await question_screen(ctx)]


async def _answers(ctx: Ctx) -> dict[str, str]:
    rows = await ctx.tx.closing_answers(ctx.round.id)
    return {r.question_id: r.text for r in rows if r.member_id == ctx.member.id}


async def question_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen:
    """One closing question with its extras, and skip/next buttons."""
    qid = ctx.member.closing_question or QUESTIONS[0]
    number = QUESTIONS.index(qid) + 1
    parts = [ctx.t("closing.question", n=number, total=len(QUESTIONS), question=ctx.plain(qid))]
    if qid == "CLOSE.Q1":
        parts.append(ctx.t("closing.metaphor_example"))
    if qid == "CLOSE.Q5":
        team_map = await mapview.load(ctx.tx, ctx.round)
        ranked = sorted(team_map.nodes, key=lambda n: (-n.mention_count, n.label.casefold()))
        counts = ", ".join(f"{n.label} ({n.mention_count})" for n in ranked[:MAX_COUNTS])
        parts.append(ctx.t("closing.mentions", counts=counts or "–"))
    if qid == ABSENCE_QUESTION:
        noted = await ctx.tx.absences(ctx.round.id, ctx.member.id)
        if noted:
            names = ", ".join(row.description for row in noted)
            parts.append(ctx.t("closing.absences_noted", names=names))
        parts.append(ctx.t("closing.absence_hint"))
    answer = (await _answers(ctx)).get(qid)
    if answer:
        parts.append(ctx.t("closing.your_answer", answer=answer))
    if lead:
        parts.insert(0, lead)
    return Screen(Html("\n\n".join(parts)), _question_buttons(ctx, qid, answered=bool(answer)))


def _question_buttons(ctx: Ctx, qid: str, *, answered: bool) -> tuple[tuple[Button, ...], ...]:
    buttons: list[tuple[Button, ...]] = []
    if qid == ABSENCE_QUESTION:
        buttons.append((Button(ctx.plain("btn.add_absence"), "cabs"),))
    step = "btn.next_question" if answered else "btn.skip"
    buttons.append((Button(ctx.plain(step), "cnext"),))
    return tuple(buttons)


async def _saved_screen(ctx: Ctx, key: str, **fields: object) -> Screen:
    """A short 'kept' with the question's buttons: the question itself is not repeated."""
    qid = ctx.member.closing_question or QUESTIONS[0]
    answered = qid in await _answers(ctx)
    return Screen(ctx.t(key, **fields), _question_buttons(ctx, qid, answered=answered))


def _absence_screen(ctx: Ctx, key: str) -> Screen:
    skip = () if key == "closing.absence_name" else (Button(ctx.plain("btn.skip"), "cskip"),)
    cancel = (Button(ctx.plain("btn.cancel"), "ccancel"),) if key == "closing.absence_name" else ()
    return Screen(ctx.t(key), ((*skip, *cancel),))


async def done_screen(ctx: Ctx) -> Screen:
    """Thanks; answers can still be reviewed until the step closes."""
    return Screen(ctx.t("closing.done"), ((Button(ctx.plain("btn.review_answers"), "creview"),),))


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current closing stage."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.ABSENCE_NAME:
        return _absence_screen(ctx, "closing.absence_name")
    if stage is Stage.ABSENCE_WHY:
        return _absence_screen(ctx, "closing.absence_why")
    if stage is Stage.ABSENCE_STEPS:
        return _absence_screen(ctx, "closing.absence_steps")
    if stage is Stage.CLOSING_DONE:
        return await done_screen(ctx)
    return await question_screen(ctx)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """An answer to the current question, or a part of an absence record."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.CLOSING_DONE:
        return Outcome([Screen(ctx.t("closing.done_text")), await done_screen(ctx)])
    if stage is Stage.ABSENCE_NAME:
        cleaned_name = clean_partner_name(text)
        if isinstance(cleaned_name, Problem):
            problem = ctx.t(cleaned_name.key, **cleaned_name.fields)
            return Outcome([Screen(problem), _absence_screen(ctx, "closing.absence_name")])
        absence_id = await ctx.tx.add_absence(ctx.round.id, ctx.member.id, cleaned_name)
        await ctx.tx.note_source(
            SourceKind.ABSENCE,
            cleaned_name,
            member_id=ctx.member.id,
            absence_id=absence_id,
            question_id="description",
        )
        await ctx.move(Stage.ABSENCE_WHY, absence_id=absence_id)
        return Outcome([_absence_screen(ctx, "closing.absence_why")])
    cleaned = clean_answer(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), await current_screen(ctx)])
    if stage in (Stage.ABSENCE_WHY, Stage.ABSENCE_STEPS) and ctx.member.absence_id is not None:
        field = "why" if stage is Stage.ABSENCE_WHY else "steps"
        await ctx.tx.update_absence(ctx.member.absence_id, field, cleaned)
        await ctx.tx.note_source(
            SourceKind.ABSENCE,
            cleaned,
            member_id=ctx.member.id,
            absence_id=ctx.member.absence_id,
            question_id=field,
        )
        return await _absence_next(ctx, stage)
    qid = ctx.member.closing_question or QUESTIONS[0]
    await ctx.tx.add_closing_answer(ctx.member.id, qid, cleaned)
    await ctx.tx.note_source(SourceKind.CLOSING, cleaned, member_id=ctx.member.id, question_id=qid)
    return Outcome([await _saved_screen(ctx, "closing.saved")])


async def _absence_next(ctx: Ctx, stage: Stage) -> Outcome:
    if stage is Stage.ABSENCE_WHY:
        await ctx.move(Stage.ABSENCE_STEPS)
        return Outcome([_absence_screen(ctx, "closing.absence_steps")])
    absence_id = ctx.member.absence_id
    noted = await ctx.tx.absences(ctx.round.id, ctx.member.id)
    name = next((row.description for row in noted if row.id == absence_id), "")
    await ctx.move(Stage.CLOSING, absence_id=None)
    return Outcome([await _saved_screen(ctx, "closing.absence_saved", name=name)])


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Next/skip, noting an absence, and reviewing after the last question."""
    stage = Stage(ctx.member.stage)
    if action == "cnext" and stage is Stage.CLOSING:
        qid = ctx.member.closing_question or QUESTIONS[0]
        index = QUESTIONS.index(qid)
        if index + 1 < len(QUESTIONS):
            await ctx.update(closing_question=QUESTIONS[index + 1])
            return Outcome([await question_screen(ctx)])
        await ctx.move(Stage.CLOSING_DONE)
        return Outcome([await done_screen(ctx)], progress_changed=True)
    if action == "cabs" and stage is Stage.CLOSING:
        await ctx.move(Stage.ABSENCE_NAME)
        return Outcome([_absence_screen(ctx, "closing.absence_name")])
    if action == "ccancel" and stage is Stage.ABSENCE_NAME:
        await ctx.move(Stage.CLOSING)
        return Outcome([await question_screen(ctx)])
    if action == "cskip" and stage in (Stage.ABSENCE_WHY, Stage.ABSENCE_STEPS):
        return await _absence_next(ctx, stage)
    if action == "creview" and stage is Stage.CLOSING_DONE:
        await ctx.move(Stage.CLOSING, closing_question=QUESTIONS[0])
        return Outcome([await question_screen(ctx)])
    return None
