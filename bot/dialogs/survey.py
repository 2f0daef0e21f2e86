"""The member check in private (001 Bijlage 3): intro, the map and its findings, function, and
the four questions one at a time (formal "u", no wrong answers, from your own function).
Question 3 also collects the partners the colleague misses, one per message. No Telegram here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.edits import SourceKind
from core.membercheck import QUESTIONS
from core.model import Role, Team
from core.protocol import SurveyStage
from core.records import MemberCheck, Respondent
from core.validation import Problem, clean_answer, clean_function, clean_partner_name
from prompts import Html, Texts
from storage.store import Tx

from .base import Button, Outcome, Screen, rows
from .onboarding import ROLE_ORDER

MISSING_AFTER = "MC.Q3"
ROLE_VALUES = frozenset(r.value for r in Role)


@dataclass
class SurveyCtx:
    """A transaction, texts, the team and the respondent row."""

    tx: Tx
    texts: Texts
    team: Team
    check: MemberCheck
    respondent: Respondent

    @property
    def lang(self) -> str:
        """The team's language."""
        return self.team.language.value

    def t(self, key: str, /, **fields: object) -> Html:
        """An HTML prompt."""
        return self.texts.t(key, self.lang, **fields)

    def plain(self, key: str, /, **fields: object) -> str:
        """A plain prompt."""
        return self.texts.plain(key, self.lang, **fields)

    @property
    def id(self) -> int:
        """The respondent's id."""
        return self.respondent.id

    async def update(self, **fields: object) -> int:
        """Change the respondent and start a new screen; returns the screen number."""
        seq = await self.tx.update_respondent(self.id, **fields)
        row = await self.tx.respondent(self.id)
        assert row is not None
        self.respondent = row
        return seq


async def intro_screen(ctx: SurveyCtx) -> Screen:
    """The theme, the school's view on collective learning, the main findings, and Start."""
    version = await ctx.tx.map_version(ctx.check.version_id)
    data = json.loads(version.snapshot_json) if version else {}
    views = [e["text"] for e in data.get("answers", {}).get("introduction", {}).get("INTRO.Q1", [])]
    partners = sorted(data.get("partners", []), key=lambda p: -int(p.get("mentions", 0)))
    top = ", ".join(p["label"] for p in partners[:8]) or "–"
    picked = [p["label"] for p in partners if p.get("priority_by_roles")]
    absences = [a["missing"] for a in data.get("answers", {}).get("absences", [])]
    parts = [ctx.t("survey.intro", school=ctx.team.school_name or "")]
    if views:
        quotes = "\n".join(f"• {v}" for v in views[:3])
        parts.append(ctx.t("survey.views", views=quotes))
    parts.append(
        ctx.t(
            "survey.findings",
            count=len(partners),
            top=top,
            picked=", ".join(picked) or "–",
            absences=", ".join(absences) or "–",
        )
    )
    parts.append(ctx.t("survey.how"))
    parts.append(ctx.t("survey.storage"))
    return Screen(Html("\n\n".join(parts)), rows(Button(ctx.plain("btn.survey_start"), "start")))


def role_screen(ctx: SurveyCtx) -> Screen:
    """The function question with role buttons."""
    buttons = [Button(ctx.plain(f"role.{r.value}"), "role", r.value) for r in ROLE_ORDER]
    return Screen(ctx.t("survey.role"), rows(*buttons))


def function_screen(ctx: SurveyCtx) -> Screen:
    """An optional free-text function."""
    return Screen(ctx.t("survey.function"), rows(Button(ctx.plain("btn.skip"), "fskip")))


def question_screen(ctx: SurveyCtx, *, lead: Html | None = None) -> Screen:
    """One of the four questions."""
    index = ctx.respondent.question
    qid = QUESTIONS[index]
    text = ctx.t("survey.question", n=index + 1, total=len(QUESTIONS), question=ctx.plain(qid))
    if lead:
        text = Html(f"{lead}\n\n{text}")
    return Screen(text, rows(Button(ctx.plain("btn.next_question"), "next")))


def missing_screen(ctx: SurveyCtx, *, lead: Html | None = None) -> Screen:
    """Partners this colleague misses, one per message."""
    text = ctx.t("survey.missing")
    if lead:
        text = Html(f"{lead}\n\n{text}")
    return Screen(text, rows(Button(ctx.plain("btn.done"), "mdone")))


def done_screen(ctx: SurveyCtx) -> Screen:
    """Thanks (MC.END adapted: no research, the school's own team)."""
    return Screen(ctx.t("survey.done"))


async def on_start(ctx: SurveyCtx) -> Outcome:
    """Start: the function question."""
    await ctx.update(stage=SurveyStage.ROLE)
    return Outcome([role_screen(ctx)])


async def on_role(ctx: SurveyCtx, action: str, arg: str) -> Outcome | None:
    """A function button."""
    if action != "role" or arg not in ROLE_VALUES:
        return None
    await ctx.update(stage=SurveyStage.FUNCTION, role=Role(arg).value)
    return Outcome([function_screen(ctx)])


async def on_function_skip(ctx: SurveyCtx) -> Outcome:
    """No free-text function: on to the first question."""
    await ctx.update(stage=SurveyStage.QUESTION, question=0)
    return Outcome([question_screen(ctx)])


async def on_function(ctx: SurveyCtx, text: str) -> Outcome:
    """The colleague's own function, then the first question."""
    cleaned = clean_function(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), function_screen(ctx)])
    await ctx.update(stage=SurveyStage.QUESTION, question=0, function=cleaned)
    return Outcome([question_screen(ctx)])


async def on_next_question(ctx: SurveyCtx) -> Outcome:
    """On to the missing partners (after question 3), the next question, or the thanks."""
    index = ctx.respondent.question
    if QUESTIONS[index] == MISSING_AFTER:
        await ctx.update(stage=SurveyStage.MISSING)
        return Outcome([missing_screen(ctx)])
    if index + 1 < len(QUESTIONS):
        await ctx.update(question=index + 1)
        return Outcome([question_screen(ctx)])
    await ctx.update(stage=SurveyStage.DONE, finished_at=ctx.tx.now)
    await ctx.tx.set_active_respondent(ctx.respondent.user_id, None)
    return Outcome([done_screen(ctx)])


async def on_answer(ctx: SurveyCtx, text: str) -> Outcome:
    """An answer to the current question (several messages allowed)."""
    answer = clean_answer(text)
    if isinstance(answer, Problem):
        return Outcome([Screen(ctx.t(answer.key, **answer.fields)), question_screen(ctx)])
    qid = QUESTIONS[ctx.respondent.question]
    await ctx.tx.add_mc_answer(ctx.id, qid, answer)
    await ctx.tx.note_source(SourceKind.MC_ANSWER, answer, respondent_id=ctx.id, question_id=qid)
    await ctx.update()
    return Outcome([question_screen(ctx, lead=ctx.t("survey.saved"))])


async def on_missing(ctx: SurveyCtx, text: str) -> Outcome:
    """Partners this colleague misses: one per message or one per line."""
    lines = [line for line in text.splitlines() if line.strip()] or [text]
    noted: list[str] = []
    for line in lines:
        name = clean_partner_name(line)
        if isinstance(name, Problem):
            return Outcome([Screen(ctx.t(name.key, **name.fields)), missing_screen(ctx)])
        await ctx.tx.add_mc_missing(ctx.id, name)
        noted.append(name)
    await ctx.update()
    lead = ctx.t("survey.missing_saved", names=", ".join(noted))
    return Outcome([missing_screen(ctx, lead=lead)])


async def on_missing_done(ctx: SurveyCtx) -> Outcome:
    """No more missing partners: the question after question 3."""
    await ctx.update(stage=SurveyStage.QUESTION, question=QUESTIONS.index(MISSING_AFTER) + 1)
    return Outcome([question_screen(ctx)])


async def report(tx: Tx, texts: Texts, team: Team, check: MemberCheck) -> str:
    """The anonymised report: functions, never names; respondents in a fixed random order."""
    from core.membercheck import Response, labels, missing_partners

    lang = team.language.value
    rows_ = await tx.mc_responses(check.id)
    responses = [
        Response(
            key=r.respondent.id,
            role=r.respondent.role,
            answers=r.answers,
            missing=tuple(r.missing),
        )
        for r in rows_
        if r.answers or r.missing
    ]
    named = labels(
        responses,
        seed=check.id,
        role_names={r: texts.plain(f"map.role.{r.value}", lang) for r in Role},
        other=texts.plain("survey.other_function", lang),
        colleague=texts.plain("survey.colleague", lang),
        protect_small_roles=check.protect_small_roles,
    )
    lines = [
        texts.plain("survey.report_title", lang, school=team.school_name or ""),
        "",
        texts.plain("survey.report_count", lang, count=len(responses)),
    ]
    for qid in QUESTIONS:
        lines += ["", f"## {texts.plain(qid, lang)}"]
        answered = [(label, r.answers[qid]) for label, r in named if r.answers.get(qid)]
        lines += [f"- {label}: {' '.join(answer.split())}" for label, answer in answered] or [
            texts.plain("share.no_answers", lang)
        ]
    missing = missing_partners(responses)
    lines += ["", f"## {texts.plain('survey.report_missing', lang)}"]
    lines += [f"- {name} ({count})" for name, count in missing] or [
        texts.plain("share.no_answers", lang)
    ]
    return "\n".join(lines) + "\n"
