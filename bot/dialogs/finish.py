"""Step 5 (naverwerking): keep the map and every answer as an immutable, dated version.

/afronden builds the team's findings document (PDF and Markdown) and the map picture, stores
them with a JSON snapshot as a map version, and closes the round. No Telegram here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from core import teammap
from core.cards import BY_ID
from core.model import Category, Distance, Role, Round, Team
from core.protocol import FINISHABLE, Step
from core.render import PRINT, render, render_with_key
from core.report import Entry, ReportData, Words, to_markdown, to_pdf
from prompts import Html, Texts
from storage.store import Tx

from . import mapview, sharing
from .commitments import report_lines as commitment_lines


def words_for(texts: Texts, team: Team) -> Words:
    """Every heading and label of the report in the team's language."""
    lang = team.language.value
    table = {
        key: texts.template(key, lang)
        for key in texts.ui[lang]
        if key.startswith(("report.", "look.report."))
    }
    for key in ("INTRO.Q1", "INTRO.Q2", *(f"CLOSE.Q{n}" for n in range(1, 8))):
        table[key] = texts.plain(key, lang)
    for card_id in BY_ID:
        table[f"card.{card_id}"] = texts.plain(f"card.{card_id}", lang)
    for category in Category:
        table[f"category.{category.value}"] = texts.plain(f"map.category.{category.value}", lang)
    for distance in Distance:
        table[f"distance.{int(distance)}"] = texts.plain(f"map.distance.{int(distance)}", lang)
    for role in Role:
        table[f"role.{role.value}"] = texts.plain(f"map.role.{role.value}", lang)
    return Words(table)


async def _second_look(tx: Tx, round_: Round, data: ReportData) -> None:
    """The closed second look's additions and the placements the team changed."""
    look = await tx.look_of(round_.id)
    if look is None or look.is_open:
        return
    data.had_look = True
    ids = await tx.look_postit_ids(look.id)
    data.look_added = [
        node.label
        for node in data.team_map.nodes
        if node.mentions and all(m.postit_id in ids for m in node.mentions)
    ]
    data.look_moved = [
        (p.label, p.field, p.before, p.after)
        for p in await tx.placements(look.id)
        if p.after is not None and p.moved
    ]


async def report_data(
    tx: Tx,
    texts: Texts,
    team: Team,
    round_: Round,
    timezone: str,
    png: bytes,
    *,
    shared_only: bool = False,
    additions: set[str] | None = None,
) -> ReportData:
    """Collect the map, the answers of every step and the absences for the report.

    shared_only: only what the protocol has shared with the team so far (an export during a
    step); additions: see mapview.load.
    """
    team_map = await mapview.load(tx, round_, shared_only=shared_only, additions=additions)
    members = await tx.members(round_.id)
    # The report names functions, never people, whatever the group's setting (/namen aan),
    # and a role only when at least three share it.
    anonymous = replace(team, show_names=False)
    shown = sharing.shown_roles(members)
    numbered = sharing.numbering(members)
    labels = {m.id: sharing.participant(texts, anonymous, n, m, shown) for n, m in numbered}
    # A free-text function would name what the hidden role hides.
    participants = [
        labels[m.id] + (f" – {m.function}" if m.function and m.role in shown else "")
        for _, m in numbered
    ]
    data = ReportData(
        school=team.school_name or "",
        round_number=round_.number,
        date=mapview.local_date(round_, timezone),
        participants=participants,
        shown_roles=shown,
        team_map=team_map,
        map_png=png,
    )
    await _second_look(tx, round_, data)
    intro_shared = not shared_only or round_.intro_posted_at is not None
    closing_shared = not shared_only or mapview.closing_shared(round_)
    for member in members if intro_shared else []:
        for answer in await tx.answers(member.id):
            data.intro.setdefault(answer.question_id, []).append(
                Entry(labels[member.id], answer.text)
            )
    for session in await tx.closed_deep_sessions(round_.id):
        card_answers = await tx.card_answers(session.id)
        for key, label in await tx.deep_partners(session.id):
            cards: dict[str, list[Entry]] = {}
            for card in card_answers:
                if card.node_key == key:
                    cards.setdefault(card.card_id, []).append(
                        Entry(labels.get(card.member_id, "?"), card.text)
                    )
            data.deep.append((label, cards))
    if not shared_only:
        # The team's own notes are the facilitators' (an export during a step leaves them out).
        data.notes = await tx.team_notes(round_.id)
    if not closing_shared:
        return data
    for row in await tx.closing_answers(round_.id):
        data.closing.setdefault(row.question_id, []).append(
            Entry(labels.get(row.member_id, "?"), row.text)
        )
    data.absences = [
        (row.description, row.why or "", row.steps or "") for row in await tx.absences(round_.id)
    ]
    data.metaphors = await sharing.metaphors(tx, round_)
    data.commitments = await commitment_lines(tx, texts, team, round_)
    return data


@dataclass
class Finished:
    """The kept version's files, or a refusal to show."""

    text: Html
    round: Round | None = None
    png: bytes = b""
    pdf: bytes = b""
    markdown: str = ""
    snapshot: bytes = b""


async def prepare(
    tx: Tx, texts: Texts, team: Team, timezone: str
) -> tuple[Round, ReportData] | Finished:
    """Read everything the kept version needs, or say why the round cannot be finished yet."""
    lang = team.language.value
    round_ = await tx.open_round_of(team.id)
    if round_ is None:
        return Finished(texts.t("group.no_round", lang))
    if Step(round_.step) not in FINISHABLE:
        return Finished(texts.t("finish.step_open", lang))
    return round_, await report_data(tx, texts, team, round_, timezone, b"")


def build_files(
    texts: Texts, team: Team, round_: Round, data: ReportData, timezone: str
) -> tuple[bytes, bytes, str, bytes]:
    """The picture, the PDF, the Markdown and the JSON snapshot (CPU work, no database)."""
    map_texts = mapview.texts_for(texts, team, round_, timezone)
    picture = mapview.data_for(data.team_map, map_texts, colour_blind=team.colour_blind)
    data.map_png = render(picture)
    # The report prints the landscape picture on a page of its own, its key below it.
    data.print_png, data.map_key = render_with_key(picture, "png", PRINT)
    data.print_dpi = PRINT.dpi
    words = words_for(texts, team)
    snapshot = teammap.to_json(
        data.team_map, school=data.school, round_number=round_.number, date=data.date
    )
    snapshot["answers"] = answers_json(data)
    return (
        data.map_png,
        to_pdf(data, words),
        to_markdown(data, words),
        (teammap.to_json_bytes(snapshot)),
    )


async def keep(
    tx: Tx,
    texts: Texts,
    team: Team,
    round_: Round,
    files: tuple[bytes, bytes, str, bytes],
    timezone: str,
) -> Finished:
    """Store the immutable version and close the round, unless the round changed meanwhile."""
    lang = team.language.value
    current = await tx.open_round_of(team.id)
    if current is None or current.id != round_.id or current.step != round_.step:
        return Finished(texts.t("finish.step_open", lang))
    png, pdf, markdown, snapshot = files
    await tx.add_map_version(team.id, round_.id, snapshot.decode("utf-8"), png, pdf, markdown)
    await tx.set_round_step(round_.id, Step.DONE.value)
    await tx.close_round(round_.id)
    date = mapview.local_date(round_, timezone)
    text = texts.t("finish.done", lang, number=round_.number, date=date)
    return Finished(text, await tx.round(round_.id), png, pdf, markdown, snapshot)


def answers_json(data: ReportData) -> dict[str, object]:
    """Every answer of the round, as shown in the report (participant labels, no user ids)."""
    return {
        "introduction": {q: [e.__dict__ for e in entries] for q, entries in data.intro.items()},
        "deep_conversation": [
            {"partner": partner, "cards": {c: [e.__dict__ for e in es] for c, es in cards.items()}}
            for partner, cards in data.deep
        ],
        "closing": {q: [e.__dict__ for e in entries] for q, entries in data.closing.items()},
        "absences": [
            {"missing": what, "why_not_named": why, "steps": steps}
            for what, why, steps in data.absences
        ],
        "metaphors": data.metaphors,
        "team_notes": dict(sorted(data.notes.items())),
    }


def report_files(texts: Texts, team: Team, data: ReportData) -> tuple[bytes, str]:
    """The PDF and the Markdown of a report whose map picture is already drawn (CPU work)."""
    words = words_for(texts, team)
    return to_pdf(data, words), to_markdown(data, words)


def snapshot_summary(raw: str) -> dict[str, object]:
    """A stored snapshot, parsed (for tests and later comparisons)."""
    loaded: dict[str, object] = json.loads(raw)
    return loaded
