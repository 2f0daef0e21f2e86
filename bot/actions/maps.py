"""Posting the team's map, with the merge and tie questions that only the principal answers."""

from __future__ import annotations

import asyncio
import logging

from bot import callbacks
from bot.context import Services
from bot.dialogs import mapview, sharing
from bot.dialogs.priority import key_hash
from core.effects import Effect, Photo, Tap, Text
from core.merge import Node
from core.model import Round, Team
from core.render import render
from storage.store import Tx

log = logging.getLogger(__name__)
MAP_PREFIX = "map:"


async def post(
    tx: Tx,
    services: Services,
    team: Team,
    round_: Round,
    *,
    chat_id: int | None = None,
    with_suggestions: bool = False,
) -> None:
    """Owe the round's current map (drawn when it is sent); optionally ask the merge questions."""
    lang = team.language.value
    texts = services.texts
    target = chat_id if chat_id is not None else team.chat_id
    team_map = await mapview.load(tx, round_)
    effects: list[Effect] = [Photo(target, render=f"{MAP_PREFIX}{round_.id}")]
    asked: list[tuple[int, str, str]] = []
    if with_suggestions:
        for a, b in team_map.suggestions:
            node_a, node_b = team_map.nodes[a], team_map.nodes[b]
            suggestion_id = await tx.add_suggestion(
                round_.id, node_a.key, node_b.key, node_a.label, node_b.label
            )
            if suggestion_id is not None:
                asked.append((suggestion_id, node_a.label, node_b.label))
    if asked:
        effects.append(Text(target, texts.t("map.suggestions_intro", lang, count=len(asked))))
    if with_suggestions:
        effects += [
            _tie(services, team, round_, n, target) for n in team_map.nodes if n.category_tie
        ]
    for suggestion_id, label_a, label_b in asked:
        buttons = (
            (
                Tap(texts.plain("btn.merge", lang), callbacks.suggestion(suggestion_id, "merge")),
                Tap(texts.plain("btn.apart", lang), callbacks.suggestion(suggestion_id, "apart")),
            ),
        )
        text = texts.t("map.suggestion", lang, a=label_a, b=label_b)
        effects.append(Text(target, text, buttons))
    await tx.enqueue_all(effects, team.id)


def _tie(services: Services, team: Team, round_: Round, node: Node, target: int) -> Text:
    """Members split evenly on a category: the principal picks one with a button."""
    lang = team.language.value
    texts = services.texts
    options = ", ".join(texts.plain(f"category.{c.value}", lang) for c in node.category_tie)
    chosen = texts.plain(f"category.{node.category.value}", lang) if node.category else ""
    buttons = tuple(
        (
            Tap(
                texts.plain(f"category.{c.value}", lang),
                callbacks.tie(round_.id, key_hash(node.key), c.value),
            ),
        )
        for c in node.category_tie
    )
    text = texts.t("map.tie", lang, name=node.label, options=options, chosen=chosen)
    return Text(target, text, buttons)


async def draw(services: Services, photo: Photo) -> Effect:
    """The deliverer's renderer: the map named by the photo, as it is now (or a short apology)."""
    round_id = int((photo.render or "").removeprefix(MAP_PREFIX))
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        team = await tx.team(round_.team_id)
        # Drawn for the group or a member: only what the protocol has shared by now.
        team_map = await mapview.load(tx, round_, shared_only=True)
        metaphors = await sharing.metaphors(tx, round_) if mapview.closing_shared(round_) else []
    map_texts = mapview.texts_for(services.texts, team, round_, services.timezone(team))
    data = mapview.data_for(team_map, map_texts, colour_blind=team.colour_blind)
    try:
        png = await asyncio.to_thread(render, data)
    except Exception:
        log.exception("rendering the map failed")
        text = services.texts.t("map.rendering_failed", team.language.value)
        return Text(photo.chat_id, text, batch=photo.batch)
    caption = mapview.caption(services.texts, team, round_, team_map, metaphors)
    return Photo(photo.chat_id, caption, png, batch=photo.batch)
