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
from core.validation import Problem, clean_answer, clean_function, clean_partner_name
from prompts import Html, Texts
from storage.store import Tx

from .base import Button, Screen, rows
from .onboarding import ROLE_ORDER

MISSING_AFTER = "MC.Q3"


@dataclass
class SurveyCtx:
    """A transaction, texts, the team and the respondent row."""

    tx: Tx
    texts: Texts
    team: Team
    check: dict[str, object]
    respondent: dict[str, object]

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
        return int(str(self.respondent["id"]))

    async def update(self, **fields: object) -> int:
        """Change the respondent and start a new screen; returns the screen number."""
        seq = await self.tx.update_respondent(self.id, **fields)
        row = await self.tx.respondent(self.id)
        assert row is not None
        self.respondent = dict(row)
        return seq


async def intro_screens(ctx: SurveyCtx) -> list[Screen]:
    """The theme, the school's view on collective learning, the main findings, and Start."""
    version = await ctx.tx.map_version(int(str(ctx.check["version_id"])))
    data = json.loads(version["snapshot_json"]) if version else {}
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
    return [Screen(Html("\n\n".join(parts)), rows(Button(ctx.plain("btn.survey_start"), "start")))]


def role_screen(ctx: SurveyCtx) -> Screen:
    """The function question with role buttons."""
    buttons = [Button(ctx.plain(f"role.{r.value}"), "role", r.value) for r in ROLE_ORDER]
    return Screen(ctx.t("survey.role"), rows(*buttons))


def function_screen(ctx: SurveyCtx) -> Screen:
    """An optional free-text function."""
    return Screen(ctx.t("survey.function"), rows(Button(ctx.plain("btn.skip"), "fskip")))


def question_screen(ctx: SurveyCtx, *, lead: Html | None = None) -> Screen:
    """One of the four questions."""
    index = int(str(ctx.respondent["question"]))
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


async def current_screens(ctx: SurveyCtx) -> list[Screen]:
    """What the respondent sees when they come back."""
    stage = str(ctx.respondent["stage"])
    if stage == "intro":
        return await intro_screens(ctx)
    if stage == "role":
        return [role_screen(ctx)]
    if stage == "function":
        return [function_screen(ctx)]
    if stage == "question":
        return [question_screen(ctx)]
    if stage == "missing":
        return [missing_screen(ctx)]
    return [done_screen(ctx)]


async def on_button(ctx: SurveyCtx, action: str, arg: str) -> list[Screen] | None:
    """Start, role, skip function, next question, done with missing partners."""
    stage = str(ctx.respondent["stage"])
    if stage == "intro" and action == "start":
        await ctx.update(stage="role")
        return [role_screen(ctx)]
    if stage == "role" and action == "role":
        try:
            role = Role(arg)
        except ValueError:
            return None
        await ctx.update(stage="function", role=role.value)
        return [function_screen(ctx)]
    if stage == "function" and action == "fskip":
        await ctx.update(stage="question", question=0)
        return [question_screen(ctx)]
    if stage == "question" and action == "next":
        return await _next_question(ctx)
    if stage == "missing" and action == "mdone":
        await ctx.update(stage="question", question=QUESTIONS.index(MISSING_AFTER) + 1)
        return [question_screen(ctx)]
    return None


async def _next_question(ctx: SurveyCtx) -> list[Screen]:
    index = int(str(ctx.respondent["question"]))
    if QUESTIONS[index] == MISSING_AFTER:
        await ctx.update(stage="missing")
        return [missing_screen(ctx)]
    if index + 1 < len(QUESTIONS):
        await ctx.update(question=index + 1)
        return [question_screen(ctx)]
    await ctx.update(stage="done", finished_at=ctx.tx.now)
    await ctx.tx.set_active_respondent(int(str(ctx.respondent["user_id"])), None)
    return [done_screen(ctx)]


async def on_text(ctx: SurveyCtx, text: str) -> list[Screen]:
    """A function, an answer (several messages allowed) or a missing partner."""
    stage = str(ctx.respondent["stage"])
    if stage == "function":
        cleaned = clean_function(text)
        if isinstance(cleaned, Problem):
            return [Screen(ctx.t(cleaned.key, **cleaned.fields)), function_screen(ctx)]
        await ctx.update(stage="question", question=0, function=cleaned)
        return [question_screen(ctx)]
    if stage == "question":
        answer = clean_answer(text)
        if isinstance(answer, Problem):
            return [Screen(ctx.t(answer.key, **answer.fields)), question_screen(ctx)]
        qid = QUESTIONS[int(str(ctx.respondent["question"]))]
        await ctx.tx.add_mc_answer(ctx.id, qid, answer)
        await ctx.tx.note_source(
            SourceKind.MC_ANSWER, answer, respondent_id=ctx.id, question_id=qid
        )
        await ctx.update()
        return [question_screen(ctx, lead=ctx.t("survey.saved"))]
    if stage == "missing":
        lines = [line for line in text.splitlines() if line.strip()] or [text]
        noted: list[str] = []
        for line in lines:
            name = clean_partner_name(line)
            if isinstance(name, Problem):
                return [Screen(ctx.t(name.key, **name.fields)), missing_screen(ctx)]
            await ctx.tx.add_mc_missing(ctx.id, name)
            noted.append(name)
        await ctx.update()
        return [missing_screen(ctx, lead=ctx.t("survey.missing_saved", names=", ".join(noted)))]
    return [Screen(ctx.t("err.use_buttons")), *await current_screens(ctx)]


async def report(tx: Tx, texts: Texts, team: Team, check: dict[str, object]) -> str:
    """The anonymised report: functions, never names; respondents in a fixed random order."""
    from core.membercheck import Response, labels, missing_partners

    lang = team.language.value
    rows_ = await tx.mc_responses(int(str(check["id"])))
    responses = [
        Response(
            key=int(row["id"]),
            role=Role(row["role"]) if row["role"] else None,
            answers=answers,
            missing=tuple(missing),
        )
        for row, answers, missing in rows_
        if answers or missing
    ]
    named = labels(
        responses,
        seed=int(str(check["id"])),
        role_names={r: texts.plain(f"map.role.{r.value}", lang) for r in Role},
        other=texts.plain("survey.other_function", lang),
        colleague=texts.plain("survey.colleague", lang),
        protect_small_roles=bool(check.get("protect_small_roles", 1)),
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
