"""Step 2C in private: each member circles ONE priority partner on the merged map.

The partners most members named come first; a typed (part of a) name finds any partner, so
every partner is at most a typed name and a tap away, however long the map. Paging edits the
same message, and the instruction is on the first page only. The pick can be changed until the
principal closes the step, with an optional one-line reason. Buttons carry a short hash of the
partner's name key, never a name.
"""

from __future__ import annotations

import hashlib

from core.edits import SourceKind
from core.merge import Node
from core.protocol import Stage
from core.search import find_partners
from core.teammap import TeamMap
from core.validation import Problem, clean_answer
from prompts import Html

from . import mapview
from .base import Button, Ctx, Outcome, Screen, distinct_labels, is_id, rows

PAGE_SIZE = 8
MAX_REASON = 300


def key_hash(key: str) -> str:
    """A short, stable reference to a partner for callback_data (never the name itself)."""
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


async def _nodes(ctx: Ctx, team_map: TeamMap | None = None) -> list[Node]:
    """The map's partners, the most named first (then alphabetically)."""
    team_map = team_map or await mapview.load(ctx.tx, ctx.round)
    return sorted(team_map.nodes, key=lambda n: (-n.mention_count, n.label.casefold(), n.key))


def _pick_buttons(nodes: list[Node]) -> list[Button]:
    """One button per partner, with labels that tell them apart however long the names."""
    labels = distinct_labels([node.label for node in nodes])
    return [Button(label, "pick", key_hash(n.key)) for label, n in zip(labels, nodes, strict=True)]


async def _current_label(
    ctx: Ctx, team_map: TeamMap | None = None
) -> tuple[str | None, str | None]:
    row = await ctx.tx.priority(ctx.member.id)
    if row is None:
        return None, None
    team_map = team_map or await mapview.load(ctx.tx, ctx.round)
    index = team_map.index_of(row.node_key)
    label = team_map.nodes[index].label if index is not None else None
    return label, row.reason


async def pick_screen(ctx: Ctx, page: int = 0, *, lead: Html | None = None) -> Screen:
    """One page of partners to tap; the first page explains the step, the others say only
    where the member is."""
    team_map = await mapview.load(ctx.tx, ctx.round)
    nodes = await _nodes(ctx, team_map)
    pages = max(1, (len(nodes) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    shown = nodes[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if page == 0:
        parts = [ctx.t("priority.ask", count=len(nodes))]
    else:
        parts = [ctx.t("priority.page", page=page + 1, pages=pages)]
    current, _ = await _current_label(ctx, team_map)
    if current:
        parts.append(ctx.t("priority.current", name=current))
    if not nodes:
        parts.append(ctx.t("priority.empty"))
    if lead:
        parts.insert(0, lead)
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(ctx.plain("btn.previous"), "plist", str(page - 1)))
    if page < pages - 1:
        nav.append(Button(ctx.plain("btn.more"), "plist", str(page + 1)))
    return Screen(
        Html("\n\n".join(parts)),
        (*rows(*_pick_buttons(shown), per_row=2), *((tuple(nav),) if nav else ())),
    )


async def search_screen(ctx: Ctx, text: str) -> Screen:
    """The partners that fit a typed name, as buttons; the first page when none does."""
    found = find_partners(text, await _nodes(ctx))
    if not found:
        return await pick_screen(ctx, lead=ctx.t("priority.not_found", text=text.strip()[:60]))
    return Screen(
        ctx.t("priority.found", count=len(found)),
        (
            *rows(*_pick_buttons(found), per_row=1),
            (Button(ctx.plain("btn.all_partners"), "plist", "0"),),
        ),
    )


def _reason_screen(ctx: Ctx, label: str) -> Screen:
    return Screen(
        ctx.t("priority.reason", name=label),
        ((Button(ctx.plain("btn.skip"), "pskip"), Button(ctx.plain("btn.other_pick"), "pchange")),),
    )


async def done_screen(ctx: Ctx) -> Screen:
    """Thanks, the current pick and reason, and a button to change it."""
    label, reason = await _current_label(ctx)
    text = ctx.t("priority.done", name=label or "–")
    if reason:
        text = Html(f"{text}\n{ctx.t('priority.done_reason', reason=reason)}")
    return Screen(text, rows(Button(ctx.plain("btn.other_pick"), "pchange")))


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current priority stage (used to resume)."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.PRIORITY_REASON:
        label, _ = await _current_label(ctx)
        return _reason_screen(ctx, label or "–")
    if stage is Stage.PRIORITY_DONE:
        return await done_screen(ctx)
    return await pick_screen(ctx)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """A reason while asked for one; otherwise a reminder to tap a partner."""
    stage = Stage(ctx.member.stage)
    if stage is not Stage.PRIORITY_REASON:
        # A typed name looks the partner up (also to change a pick already made).
        if stage is Stage.PRIORITY_DONE:
            await ctx.move(Stage.PRIORITY)
        return Outcome([await search_screen(ctx, text)])
    cleaned = clean_answer(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), await current_screen(ctx)])
    if len(cleaned) > MAX_REASON:
        problem = ctx.t("priority.reason_too_long", length=len(cleaned), max=MAX_REASON)
        return Outcome([Screen(problem), await current_screen(ctx)])
    await ctx.tx.set_priority_reason(ctx.member.id, cleaned)
    await ctx.tx.note_source(SourceKind.REASON, cleaned, member_id=ctx.member.id)
    await ctx.move(Stage.PRIORITY_DONE)
    return Outcome([await done_screen(ctx)], progress_changed=True)


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Picking a partner, paging, skipping the reason or changing the pick."""
    stage = Stage(ctx.member.stage)
    if action == "plist" and stage is Stage.PRIORITY:
        page = int(arg) if is_id(arg) else 0
        return Outcome([await pick_screen(ctx, page)], replace=True)
    if action == "pick" and stage is Stage.PRIORITY:
        node = next((n for n in await _nodes(ctx) if key_hash(n.key) == arg), None)
        if node is None:
            return None
        await ctx.tx.set_priority(ctx.member.id, ctx.round.id, node.key)
        await ctx.move(Stage.PRIORITY_REASON)
        return Outcome([_reason_screen(ctx, node.label)], progress_changed=True)
    if action == "pskip" and stage is Stage.PRIORITY_REASON:
        await ctx.move(Stage.PRIORITY_DONE)
        return Outcome([await done_screen(ctx)])
    if action == "pchange" and stage in (Stage.PRIORITY_REASON, Stage.PRIORITY_DONE):
        await ctx.move(Stage.PRIORITY)
        return Outcome([await pick_screen(ctx)])
    return None
