"""Posting the team's map, and the merge and tie questions that only the principal answers.

The group sees a map once per step and only when it changed; the step's summary rides along as
the photo's caption when both fit Telegram's 1024 UTF-16 units. After the brainstorm the
principal first settles similar names in private; the group gets the map when the last one is
answered, when the principal moves on, or when the default applies (a planned row,
QUESTIONS_WAIT later: names stay apart). With the map the second look opens (look.py): the
team, not the principal, places the disputed partners and the tied categories, and the map is
posted once more when it closes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import timedelta

from bot import callbacks
from bot.context import Services
from bot.dialogs import finish as finish_dialog
from bot.dialogs import mapview, sharing
from bot.dialogs import team as team_dialog
from core import teammap
from core.effects import Buttons, Document, Effect, Photo, Tap, Text
from core.model import Round, Team
from core.protocol import Step
from core.render import PRINT_WITH_KEY, MapData, poster_pdf, print_pdf, render
from core.teammap import TeamMap
from prompts import Html, Texts
from storage.store import Tx

from . import control, look, progress

log = logging.getLogger(__name__)
MAP_PREFIX = "map:"
# Telegram's limit for a photo caption, counted in UTF-16 code units.
CAPTION_LIMIT = 1024
# How long the group waits for the principal's answers before the default applies.
QUESTIONS_WAIT = timedelta(hours=24)
# The planned row that applies the default: the "deadline" of the settled-names stage.
QUESTIONS_STEP = Step.BRAINSTORM_CLOSED.value


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def joined_caption(lead: str, caption: str) -> str | None:
    """The step's summary above the map's caption, shortened from its end (the disputed names
    and metaphors are on the picture and in the report) until both fit; None when even the
    summary alone is too long for a caption."""
    lines = caption.split("\n") if caption else []
    for keep in range(len(lines), -1, -1):
        tail = "\n".join(lines[:keep])
        text = f"{lead}\n\n{tail}" if lead and tail else lead or tail
        if utf16_len(text) <= CAPTION_LIMIT:
            return text
    return None


async def _shown_view(
    tx: Tx, services: Services, team: Team, round_: Round
) -> tuple[MapData, TeamMap, Html]:
    """The map as the group or a member may see it now (only what the protocol has shared):
    the picture's data, the map and its caption."""
    team_map = await mapview.load(tx, round_, shared_only=True)
    metaphors = await sharing.metaphors(tx, round_) if mapview.closing_shared(round_) else []
    map_texts = mapview.texts_for(services.texts, team, round_, services.timezone(team))
    data = mapview.data_for(team_map, map_texts, colour_blind=team.colour_blind)
    caption = mapview.caption(services.texts, team, round_, team_map, metaphors)
    running = await tx.running_commitments(team.id)
    if running:
        line = services.texts.t("commit.running_line", team.language.value, count=running)
        caption = Html(f"{caption}\n{line}")
    return data, team_map, caption


async def _fingerprint(tx: Tx, services: Services, team: Team, round_: Round) -> tuple[int, Html]:
    """What the picture and its caption show now, as a number; and the caption."""
    data, _, caption = await _shown_view(tx, services, team, round_)
    digest = hashlib.sha256(repr((data, str(caption))).encode("utf-8")).digest()
    return int.from_bytes(digest[:7], "big"), caption


async def post(
    tx: Tx,
    services: Services,
    team: Team,
    round_: Round,
    *,
    chat_id: int | None = None,
    lead: str = "",
    only_if_changed: bool = False,
) -> None:
    """Owe the round's current map (drawn when it is sent), with the step's summary (`lead`)
    as its caption when it fits, else just before it. With only_if_changed, a map the chat
    already got is not sent again (the summary still is)."""
    target = chat_id if chat_id is not None else team.chat_id
    fingerprint, caption = await _fingerprint(tx, services, team, round_)
    if only_if_changed and await tx.shown_map(target, round_.id) == fingerprint:
        if lead:
            await tx.enqueue(Text(target, lead), team.id)
        return
    effects: list[Effect] = []
    if lead and joined_caption(lead, caption) is None:
        effects.append(Text(target, lead))
        lead = ""
    effects.append(
        Photo(
            target,
            caption=lead,
            render=f"{MAP_PREFIX}{round_.id}",
            buttons=words_button(services, team, round_),
        )
    )
    await tx.enqueue_all(effects, team.id)
    await tx.note_shown_map(target, round_.id, fingerprint)


def words_button(services: Services, team: Team, round_: Round) -> Buttons:
    """The button under every map picture that shows the map as text (phones, screen readers)."""
    label = services.texts.plain("words.button", team.language.value)
    return ((Tap(label, callbacks.words(round_.id, "l")),),)


async def shown(tx: Tx, services: Services, team: Team, round_: Round) -> bool:
    """True when the group's last map of this round is the map as it is now."""
    fingerprint, _ = await _fingerprint(tx, services, team, round_)
    return await tx.shown_map(team.chat_id, round_.id) == fingerprint


async def caption_now(tx: Tx, services: Services, team: Team, round_: Round) -> Html:
    """The map's caption as it is now."""
    return (await _fingerprint(tx, services, team, round_))[1]


async def note_shown(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """The group was sent the map as it is now (e.g. the kept version's picture)."""
    fingerprint, _ = await _fingerprint(tx, services, team, round_)
    await tx.note_shown_map(team.chat_id, round_.id, fingerprint)


async def after_brainstorm(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """The brainstorm closed: the principal is asked about similar names first (in private, a
    default after QUESTIONS_WAIT); without questions the map goes now. Tied categories are
    no question for the principal: the team places them in the second look."""
    lang = team.language.value
    texts = services.texts
    principal = team.principal_user_id
    team_map = await mapview.load(tx, round_)
    asked: list[tuple[int, str, str]] = []
    for a, b in team_map.suggestions:
        node_a, node_b = team_map.nodes[a], team_map.nodes[b]
        suggestion_id = await tx.add_suggestion(
            round_.id, node_a.key, node_b.key, node_a.label, node_b.label
        )
        if suggestion_id is not None:
            asked.append((suggestion_id, node_a.label, node_b.label))
    if not asked:
        await release(tx, services, team, round_)
        return
    when = tx.now + QUESTIONS_WAIT
    await tx.plan(team.id, round_.id, "step_deadline", QUESTIONS_STEP, when)
    local = when.astimezone(services.zone(team)).strftime("%d-%m %H:%M")
    intro = texts.t("principal.questions", lang, count=len(asked), when=local)
    # One message: the questions come one by one in it, each answer edits it into the next.
    suggestion_id, label_a, label_b = asked[0]
    question, buttons = question_screen(texts, lang, suggestion_id, label_a, label_b, len(asked))
    await tx.enqueue(Text(principal, Html(f"{intro}\n\n{question}"), buttons), team.id)


def question_screen(
    texts: Texts, lang: str, suggestion_id: int, label_a: str, label_b: str, left: int
) -> tuple[Html, Buttons]:
    """One similar-names question with its two buttons; `left` counts it and those after it."""
    text = texts.t("map.suggestion", lang, a=label_a, b=label_b)
    if left > 1:
        text = Html(f"{text}\n{texts.t('map.questions_left', lang, count=left - 1)}")
    buttons = (
        (
            Tap(texts.plain("btn.merge", lang), callbacks.suggestion(suggestion_id, "merge")),
            Tap(texts.plain("btn.apart", lang), callbacks.suggestion(suggestion_id, "apart")),
        ),
    )
    return text, buttons


async def next_question(
    tx: Tx, services: Services, team: Team, round_id: int
) -> tuple[Html, Buttons] | None:
    """The next similar-names question of the round still open, if any (the tapped message
    becomes it)."""
    open_ones = await tx.open_suggestions(round_id)
    round_ = await tx.round(round_id)
    if not open_ones or round_.step != QUESTIONS_STEP or await released(tx, team, round_):
        return None
    first = open_ones[0]
    return question_screen(
        services.texts, team.language.value, first.id, first.label_a, first.label_b,
        len(open_ones),
    )  # fmt: skip


def open_questions(team_map: TeamMap, open_suggestions: int) -> bool:
    """True while a similar-names question waits for the principal (tied categories are the
    team's, in the second look)."""
    return open_suggestions > 0


async def released(tx: Tx, team: Team, round_: Round) -> bool:
    """True once the group got a map of this round."""
    return await tx.shown_map(team.chat_id, round_.id) is not None


async def release(
    tx: Tx, services: Services, team: Team, round_: Round, *, second_look: bool = True
) -> None:
    """The group gets the brainstorm's summary with the map (once); the planned default is no
    longer needed. Then the second look opens (not when the team moves on at once)."""
    if await released(tx, team, round_):
        return
    await tx.cancel_planned(round_.id, QUESTIONS_STEP)
    lead = await team_dialog.brainstorm_closed_text(tx, services.texts, team, round_)
    await post(tx, services, team, round_, lead=lead)
    # The announcement drops its "the map follows" line.
    await progress.refresh(tx, services, round_.id)
    if second_look:
        await look.open_look(tx, services, team, round_)


async def close_look(tx: Tx, services: Services, team: Team, round_: Round) -> bool:
    """Close the round's second look: the group gets the updated map once, with what the team
    added and how it placed the disputed partners; False when no look was open."""
    closed, lead = await look.close_in(tx, services, team, round_)
    if closed and lead is not None:
        await post(tx, services, team, await tx.round(round_.id), lead=lead, only_if_changed=True)
    return closed


async def close_look_now(services: Services, team: Team) -> bool:
    """The principal closes the second look (control button or /sluit); the next step is named
    to them. False when none was open."""
    async with services.store.tx() as tx:
        round_ = await tx.open_round_of(team.id)
        closed = round_ is not None and await close_look(tx, services, team, round_)
        if closed:
            await control.nudge(tx, services, team)
    await services.flush()
    return closed


async def answered(services: Services, team: Team, round_id: int) -> None:
    """The principal answered a question: when none is left, the group gets the map."""
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        if round_.step == QUESTIONS_STEP and not await released(tx, team, round_):
            team_map = await mapview.load(tx, round_)
            if not open_questions(team_map, len(await tx.open_suggestions(round_id))):
                await release(tx, services, team, round_)
                text = services.texts.t("principal.questions_done", team.language.value)
                await tx.enqueue(Text(team.principal_user_id, text), team.id)
    await services.flush()


async def release_before_next_step(tx: Tx, services: Services, team: Team) -> None:
    """The principal opens the next step with questions still open: the default applies now,
    so the group sees the map before the step's invitation (no second look: the team moves
    on). A second look that still runs closes first, so its map comes before the step too."""
    round_ = await tx.open_round_of(team.id)
    if round_ is not None and round_.step == QUESTIONS_STEP:
        await release(tx, services, team, round_, second_look=False)
        await close_look(tx, services, team, round_)


async def draw(services: Services, photo: Photo) -> Effect:
    """The deliverer's renderer: the map named by the photo, as it is now (or a short apology);
    the photo's own caption (a step's summary) goes above the map's."""
    round_id = int((photo.render or "").removeprefix(MAP_PREFIX))
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        team = await tx.team(round_.team_id)
        # Drawn for the group or a member: only what the protocol has shared by now.
        data, _, caption = await _shown_view(tx, services, team, round_)
    try:
        png = await asyncio.to_thread(render, data)
    except Exception:
        log.exception("rendering the map failed")
        text = services.texts.t("map.rendering_failed", team.language.value)
        if photo.caption:
            text = Html(f"{photo.caption}\n\n{text}")
        # Without a picture the map in words is all there is: its button stays.
        return Text(photo.chat_id, text, photo.buttons, batch=photo.batch)
    # The map may have grown since the photo was owed: then the summary alone is the caption.
    shown = joined_caption(photo.caption, caption) or photo.caption
    return Photo(photo.chat_id, shown, png, batch=photo.batch, buttons=photo.buttons)


async def export_files(services: Services, team: Team) -> list[tuple[str, bytes]] | None:
    """/export: the map as JSON (with every answer), CSV, GraphML, SVG, an A4 PDF and an A3
    poster; None before there is a map."""
    zone = services.timezone(team)
    async with services.store.tx() as tx:
        round_ = await tx.latest_round_of(team.id)
        if round_ is None or round_.step == Step.BRAINSTORM.value:
            return None
        # Only what the protocol has shared so far, like every map the team sees.
        team_map = await mapview.load(tx, round_, shared_only=True)
        data = await finish_dialog.report_data(
            tx, services.texts, team, round_, zone, b"", shared_only=True
        )
        answers = finish_dialog.answers_json(data)

    def build() -> list[tuple[str, bytes]]:
        date = mapview.local_date(round_, zone)
        school = team.school_name or ""
        data = teammap.to_json(team_map, school=school, round_number=round_.number, date=date)
        data["answers"] = answers
        map_texts = mapview.texts_for(services.texts, team, round_, zone)
        picture = mapview.data_for(team_map, map_texts, colour_blind=team.colour_blind)
        stem = f"netwerkkaart-ronde{round_.number}"
        return [
            (f"{stem}.json", teammap.to_json_bytes(data)),
            (f"{stem}-partners.csv", teammap.nodes_csv(team_map)),
            (f"{stem}-verbanden.csv", teammap.links_csv(team_map)),
            (f"{stem}.graphml", teammap.graphml(team_map, school)),
            (f"{stem}.svg", render(picture, "svg", PRINT_WITH_KEY)),
            (f"{stem}.pdf", print_pdf(picture)),
            (f"{stem}-affiche-A3.pdf", poster_pdf(picture)),
        ]

    return await asyncio.to_thread(build)


async def export_to(services: Services, team: Team, user_id: int) -> bool:
    """The export files owed to this person in private; False before there is a map."""
    files = await export_files(services, team)
    if files is None:
        return False
    batch = f"export:{user_id}"
    async with services.store.tx() as tx:
        for name, data in files:
            await tx.enqueue(Document(user_id, data, name, batch), team.id)
        await tx.enqueue(Text(user_id, services.texts.t("export.sent", team.language.value)),
                         team.id)  # fmt: skip
    await services.flush()
    return True
