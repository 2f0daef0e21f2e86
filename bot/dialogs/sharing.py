"""What the protocol shares with the group once a step allows it: step 1's answers (no Telegram).

Answers are shown per question, side by side, as "Deelnemer 1 (leraar)" or with first names
when the team chose that (/namen aan). Numbers follow the order in which members joined. A
role is named only when at least three members of the round share it (as in the member check);
otherwise the answer says "andere functie", so a team's one care coordinator is not named.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable

from core.cards import CARDS, PHASES
from core.membercheck import MIN_PER_ROLE
from core.model import Member, Role, Round, Team
from core.protocol import ONBOARDING, Stage
from core.teammap import TeamMap
from prompts import Html, Texts
from storage.store import Tx

from . import mapview

INTRO_QUESTIONS = ("INTRO.Q1", "INTRO.Q2")
CLOSING_QUESTIONS = tuple(f"CLOSE.Q{n}" for n in range(1, 8))
# The protocol's smallest group ("4 à 10 deelnemers"): before that many joined, "everyone has
# answered" says little, so step 1 is shared automatically only from then on.
MIN_PARTICIPANTS = 4


def shown_roles(members: Iterable[Member]) -> frozenset[Role]:
    """The roles at least MIN_PER_ROLE members share: only these are named beside answers."""
    counts = Counter(m.role for m in members if m.role is not None)
    return frozenset(role for role, n in counts.items() if n >= MIN_PER_ROLE)


def numbering(members: Iterable[Member]) -> list[tuple[int, Member]]:
    """The members as 'Deelnemer 1, 2, ...': in an order that does not follow who joined first
    (the principal usually does, so number 1 would name them), the same in every step and in
    the report, and the same whenever the round is replayed; from a hash of each membership,
    so reading order says nothing about joining order."""

    def key(member: Member) -> str:
        seed = f"netwerkkaart:{member.round_id}:{member.id}:{member.user_id}"
        return hashlib.sha256(seed.encode("utf-8")).hexdigest()

    return list(enumerate(sorted(members, key=key), start=1))


def role_label(texts: Texts, lang: str, role: Role | None, shown: Collection[Role]) -> str | None:
    """The role as the team may read it: its name when enough share it, else 'andere functie'."""
    if role is None:
        return None
    if role in shown:
        return texts.plain(f"map.role.{role.value}", lang)
    return texts.plain("anon.other_role", lang)


def participant(
    texts: Texts, team: Team, number: int, member: Member, shown: Collection[Role]
) -> str:
    """'Deelnemer 3 (leraar)' or 'Anna (leraar)', by team setting; a role fewer than three
    members share reads 'Deelnemer 3 (andere functie)', or just 'Anna' (`shown` from
    shown_roles)."""
    lang = team.language.value
    # Someone who left the group stays, anonymously, with what they contributed.
    named = team.show_names and bool(member.first_name) and member.left_at is None
    name = member.first_name if named else texts.plain("share.participant", lang, n=number)
    if named and member.role not in shown:
        return name
    role = role_label(texts, lang, member.role, shown)
    return name if role is None else f"{name} ({role})"


async def everyone_past_intro(tx: Tx, round_: Round, people: int | None = None) -> bool:
    """True when every member who joined answered or skipped both questions, at least
    MIN_PARTICIPANTS joined, and (when `people`, the group's size, is given) everyone in the
    group joined: only then can nobody join later and read the answers before writing theirs."""
    members = await tx.present_members(round_.id)
    if people is not None and len(members) < people:
        return False
    return len(members) >= MIN_PARTICIPANTS and all(
        Stage(m.stage) not in ONBOARDING[:5] for m in members
    )


async def late_intro_answers(tx: Tx, round_: Round) -> bool:
    """True when a member who joined after step 1 was shared answered one of its questions."""
    upto = round_.intro_shared_upto or 0
    for member in await tx.members(round_.id):
        if member.id > upto and any(
            a.question_id in INTRO_QUESTIONS and a.text.strip() for a in await tx.answers(member.id)
        ):
            return True
    return False


async def intro_summary(tx: Tx, texts: Texts, team: Team, round_: Round) -> Html | None:
    """Both questions with every member's answer beside it, then the INTRO.I3 prompt."""
    lang = team.language.value
    everyone = await tx.members(round_.id)
    numbered = numbering(everyone)
    if not numbered:
        return None
    blocks = [texts.t("share.intro_title", lang, count=len(numbered))]
    members = [m for _, m in numbered]
    shown = shown_roles(members)
    answers = {m.id: {a.question_id: a.text for a in await tx.answers(m.id)} for m in members}
    for question in INTRO_QUESTIONS:
        lines = [texts.t("share.question", lang, question=texts.plain(question, lang))]
        skipped = 0
        for number, member in numbered:
            text = answers[member.id].get(question)
            if not text:
                skipped += 1  # counted below, not a line each
                continue
            lines.append(
                texts.t(
                    "share.answer",
                    lang,
                    who=participant(texts, team, number, member, shown),
                    text=text,
                )
            )
        if skipped:
            lines.append(texts.t("share.skipped_count", lang, count=skipped))
        blocks.append(Html("\n".join(lines)))
    blocks.append(texts.t("share.intro_prompt", lang))
    return Html("\n\n".join(blocks))


async def deep_summary(tx: Tx, texts: Texts, team: Team, round_: Round, session_id: int) -> Html:
    """Step 3's answers per partner, phase and card, each with who wrote it (by team setting)."""
    lang = team.language.value
    members = await tx.members(round_.id)
    number = {m.id: (n, m) for n, m in numbering(members)}
    shown = shown_roles(members)
    rows = await tx.card_answers(session_id)
    blocks: list[str] = []
    for key, label in await tx.deep_partners(session_id):
        lines = [texts.t("share.deep_partner", lang, partner=label)]
        for phase in PHASES:
            phase_lines: list[Html] = []
            for card in (c for c in CARDS if c.phase == phase):
                answers = [r for r in rows if r.node_key == key and r.card_id == card.id]
                if not answers:
                    continue
                phase_lines.append(
                    texts.t("share.deep_card", lang, card=texts.plain(f"card.{card.id}", lang))
                )
                for row in answers:
                    n, member = number[row.member_id]
                    who = participant(texts, team, n, member, shown)
                    phase_lines.append(texts.t("share.answer", lang, who=who, text=row.text))
            if phase_lines:
                title = texts.plain(f"phase.{phase}", lang)
                lines.append(texts.t("share.deep_phase", lang, phase=phase, name=title))
                lines.extend(phase_lines)
        if len(lines) == 1:
            lines.append(texts.t("share.deep_none", lang))
        blocks.append("\n".join(lines))
    return Html("\n\n".join(blocks))


async def closing_summary(tx: Tx, texts: Texts, team: Team, round_: Round) -> Html:
    """Step 4's answers per question, side by side, then the absences that were noted."""
    lang = team.language.value
    members = await tx.members(round_.id)
    number = {m.id: (n, m) for n, m in numbering(members)}
    shown = shown_roles(members)
    rows = await tx.closing_answers(round_.id)
    blocks: list[str] = []
    for qid in CLOSING_QUESTIONS:
        answers = [r for r in rows if r.question_id == qid]
        lines = [texts.t("share.question", lang, question=texts.plain(qid, lang))]
        for row in answers:
            n, member = number[row.member_id]
            who = participant(texts, team, n, member, shown)
            lines.append(texts.t("share.answer", lang, who=who, text=row.text))
        if not answers:
            lines.append(texts.t("share.no_answers", lang))
        blocks.append("\n".join(lines))
    absences = await tx.absences(round_.id)
    if absences:
        lines = [texts.t("share.absences_title", lang)]
        for absence in absences:
            lines.append(
                texts.t(
                    "share.absence",
                    lang,
                    what=absence.description,
                    why=absence.why or "–",
                    steps=absence.steps or "–",
                )
            )
        blocks.append("\n".join(lines))
    return Html("\n\n".join(blocks))


async def reasons_by_node(
    tx: Tx, texts: Texts, team: Team, round_: Round, team_map: TeamMap, shown: Collection[Role]
) -> dict[int, list[tuple[str, str]]]:
    """Each partner's priority reasons as (role as the team may read it, reason), sorted so
    the order tells nothing about who wrote what; empty before step 2C closed."""
    if not mapview.priorities_shared(round_):
        return {}
    lang = team.language.value
    by_node: dict[int, list[tuple[str, str]]] = {}
    for role, key, reason in await tx.priorities(round_.id):
        index = team_map.index_of(key)
        if index is None or not reason or not reason.strip():
            continue
        who = role_label(texts, lang, role, shown) or texts.plain("anon.other_role", lang)
        by_node.setdefault(index, []).append((who, " ".join(reason.split())))
    # Sorted, not in the order members joined: that order would tell who wrote what.
    return {i: sorted(r, key=lambda x: (x[0], x[1].casefold())) for i, r in by_node.items()}


async def priority_reasons(tx: Tx, texts: Texts, team: Team, round_: Round) -> Html | None:
    """Why members chose their priority partner, per partner (most picked first), each reason
    with the chooser's role only when at least three share it and never a name or a number
    that step 1 used; then the protocol's prompt to talk about them. None without reasons
    (and before step 2C closed)."""
    lang = team.language.value
    round_ = await tx.round(round_.id)  # the caller may hold the round from before the close
    shown = shown_roles(await tx.members(round_.id))
    team_map = await mapview.load(tx, round_)
    by_node = await reasons_by_node(tx, texts, team, round_, team_map, shown)
    if not by_node:
        return None
    order = sorted(
        by_node,
        key=lambda i: (-len(team_map.picks[i]), team_map.nodes[i].label.casefold()),
    )
    blocks = [texts.t("reasons.title", lang)]
    for index in order:
        lines = [
            texts.t(
                "reasons.partner",
                lang,
                partner=team_map.nodes[index].label,
                count=len(team_map.picks[index]),
            )
        ]
        for who, reason in by_node[index]:
            lines.append(texts.t("share.answer", lang, who=who, text=reason))
        blocks.append(Html("\n".join(lines)))
    blocks.append(texts.t("reasons.prompt", lang))
    return Html("\n\n".join(blocks))


async def metaphors(tx: Tx, round_: Round) -> list[str]:
    """The answers to the metaphor question (CLOSE.Q1), for the map's caption."""
    return [r.text for r in await tx.closing_answers(round_.id) if r.question_id == "CLOSE.Q1"]
