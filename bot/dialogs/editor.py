"""The principal's map editor (/bewerk in a private chat): rename, recategorise, move, merge, split.

Every change is stored as a fact about name keys (an override or a merge decision), so the map
is recomputed from the post-its and nothing a member typed is ever changed or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from core.merge import Node
from core.model import Category, Distance
from core.protocol import EditorStage
from core.teammap import TeamMap
from core.validation import Problem, clean_partner_name
from prompts import Html

from . import mapview
from .base import Button, Outcome, Screen, TeamCtx, distinct_labels, is_id, parse_enum, rows
from .priority import key_hash

PAGE_SIZE = 8


@dataclass
class EditorCtx(TeamCtx):
    """The editor's view: TeamCtx plus the principal's user id and where they are."""

    user_id: int
    stage: EditorStage = EditorStage.BROWSE
    # The partner (name key) whose card is open, or being renamed.
    node_key: str | None = None

    async def map(self) -> TeamMap:
        """The round's current map."""
        return await mapview.load(self.tx, self.round)

    def goto(self, stage: EditorStage, node_key: str | None) -> None:
        """Where the editor is after this action (stored by the caller with the screen)."""
        self.stage, self.node_key = stage, node_key


def _sorted(team_map: TeamMap) -> list[Node]:
    return sorted(team_map.nodes, key=lambda n: (n.label.casefold(), n.key))


def _find(team_map: TeamMap, node_hash: str) -> Node | None:
    return next((n for n in team_map.nodes if key_hash(n.key) == node_hash), None)


async def list_screen(ctx: EditorCtx, page: int = 0, *, lead: Html | None = None) -> Screen:
    """All partners of the map, paged; tap one to edit it."""
    nodes = _sorted(await ctx.map())
    pages = max(1, (len(nodes) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    shown = nodes[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    text = ctx.t("editor.list", school=ctx.team.school_name or "", count=len(nodes), page=page + 1,
                 pages=pages)  # fmt: skip
    if lead:
        text = Html(f"{lead}\n\n{text}")
    labels = distinct_labels([n.label for n in shown])
    buttons = [Button(lb, "node", key_hash(n.key)) for lb, n in zip(labels, shown, strict=True)]
    nav = []
    if page > 0:
        nav.append(Button(ctx.plain("btn.previous"), "list", str(page - 1)))
    if page < pages - 1:
        nav.append(Button(ctx.plain("btn.more"), "list", str(page + 1)))
    return Screen(text, (*rows(*buttons, per_row=2), *((tuple(nav),) if nav else ())))


def card_screen(ctx: EditorCtx, node: Node, *, lead: Html | None = None) -> Screen:
    """One partner with what the principal can change."""
    text = ctx.t(
        "editor.card",
        name=node.label,
        aliases=", ".join(node.aliases),
        mentions=node.mention_count,
        category=ctx.plain(f"category.{node.category.value}") if node.category else "–",
        distance=ctx.plain(f"distance.{int(node.distance)}") if node.distance is not None else "–",
    )
    if lead:
        text = Html(f"{lead}\n\n{text}")
    h = key_hash(node.key)
    buttons: list[tuple[Button, ...]] = [
        (Button(ctx.plain("btn.rename"), "ren", h), Button(ctx.plain("btn.category"), "cat", h)),
        (
            Button(ctx.plain("btn.distance"), "dist", h),
            Button(ctx.plain("btn.merge_with"), "mw", h),
        ),
    ]
    if len(node.keys) > 1:
        buttons.append((Button(ctx.plain("btn.split"), "split", h),))
    buttons.append((Button(ctx.plain("btn.to_list"), "list", "0"),))
    return Screen(text, tuple(buttons))


def _choices(ctx: EditorCtx, node: Node, field: str) -> Screen:
    h = key_hash(node.key)
    if field == "category":
        buttons = [
            Button(ctx.plain(f"category.{c.value}"), "setc", f"{h}:{c.value}") for c in Category
        ]
        question = ctx.t("editor.ask_category", name=node.label)
    else:
        buttons = [
            Button(ctx.plain(f"distance.{int(d)}"), "setd", f"{h}:{int(d)}") for d in Distance
        ]
        question = ctx.t("editor.ask_distance", name=node.label)
    return Screen(question, (*rows(*buttons), (Button(ctx.plain("btn.back"), "node", h),)))


async def _merge_targets(ctx: EditorCtx, node: Node, page: int) -> Screen:
    others = [n for n in _sorted(await ctx.map()) if n.key != node.key]
    pages = max(1, (len(others) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    shown = others[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    h = key_hash(node.key)
    labels = distinct_labels([n.label for n in shown])
    buttons = [
        Button(label, "mto", f"{h}:{key_hash(n.key)}")
        for label, n in zip(labels, shown, strict=True)
    ]
    nav = []
    if page > 0:
        nav.append(Button(ctx.plain("btn.previous"), "mwp", f"{h}:{page - 1}"))
    if page < pages - 1:
        nav.append(Button(ctx.plain("btn.more"), "mwp", f"{h}:{page + 1}"))
    return Screen(
        ctx.t("editor.ask_merge", name=node.label),
        (*rows(*buttons, per_row=2), *((tuple(nav),) if nav else ()),
         (Button(ctx.plain("btn.back"), "node", h),)),
    )  # fmt: skip


async def on_button(ctx: EditorCtx, action: str, arg: str) -> Outcome | None:
    """Handle an editor button; None when it is stale. Buttons work on every stage: a tap
    while renaming leaves the rename."""
    if ctx.round.closed_at is not None:
        # A finished round is a kept version: changes belong in a new round.
        return None
    team_map = await ctx.map()
    if action == "list":
        ctx.goto(EditorStage.BROWSE, None)
        return Outcome([await list_screen(ctx, int(arg) if is_id(arg) else 0)])
    node_hash, _, rest = arg.partition(":")
    node = _find(team_map, node_hash)
    if node is None:
        return None
    if action == "node":
        ctx.goto(EditorStage.BROWSE, node.key)
        return Outcome([card_screen(ctx, node)])
    if action == "ren":
        ctx.goto(EditorStage.RENAME, node.key)
        return Outcome([rename_screen(ctx, node)])
    if action in ("cat", "dist"):
        ctx.goto(EditorStage.BROWSE, node.key)
        return Outcome([_choices(ctx, node, "category" if action == "cat" else "distance")])
    if action in ("setc", "setd"):
        field = "category" if action == "setc" else "distance"
        if field == "category":
            value = parse_enum(Category, rest).value
        else:
            value = str(int(parse_enum(Distance, rest)))
        await ctx.tx.set_override(ctx.round.id, node.key, field, value)
        updated = _find(await ctx.map(), node_hash) or node
        ctx.goto(EditorStage.BROWSE, node.key)
        return Outcome([card_screen(ctx, updated, lead=ctx.t("editor.saved"))])
    if action in ("mw", "mwp"):
        page = int(rest) if action == "mwp" and is_id(rest) else 0
        ctx.goto(EditorStage.BROWSE, node.key)
        return Outcome([await _merge_targets(ctx, node, page)])
    if action == "mto":
        other = _find(team_map, rest)
        if other is None or other.key == node.key:
            return None
        await ctx.tx.decide(ctx.round.id, node.key, other.key, "merge")
        merged = await ctx.map()
        index = merged.index_of(node.key)
        result = merged.nodes[index] if index is not None else node
        lead = ctx.t("editor.merged", a=node.label, b=other.label)
        ctx.goto(EditorStage.BROWSE, result.key)
        return Outcome([card_screen(ctx, result, lead=lead)])
    if action == "split":
        for a, b in combinations(sorted(node.keys), 2):
            await ctx.tx.decide(ctx.round.id, a, b, "apart")
        ctx.goto(EditorStage.BROWSE, None)
        return Outcome([await list_screen(ctx, lead=ctx.t("editor.split", name=node.label))])
    return None


def rename_screen(ctx: EditorCtx, node: Node) -> Screen:
    """Asks for a partner's new name."""
    return Screen(
        ctx.t("editor.ask_name", name=node.label),
        rows(Button(ctx.plain("btn.cancel"), "node", key_hash(node.key))),
    )


async def current_screen(ctx: EditorCtx) -> Screen:
    """Where the editor is: the open partner's card (or rename question), else the list."""
    if ctx.node_key is not None:
        team_map = await ctx.map()
        index = team_map.index_of(ctx.node_key)
        if index is not None:
            node = team_map.nodes[index]
            if ctx.stage == EditorStage.RENAME:
                return rename_screen(ctx, node)
            return card_screen(ctx, node)
    return await list_screen(ctx)


async def on_rename(ctx: EditorCtx, text: str) -> Outcome:
    """The new label the principal typed for the partner being renamed."""
    team_map = await ctx.map()
    index = team_map.index_of(ctx.node_key) if ctx.node_key is not None else None
    if index is None:
        ctx.goto(EditorStage.BROWSE, None)
        return Outcome([await list_screen(ctx)])
    node = team_map.nodes[index]
    cleaned = clean_partner_name(text)
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), rename_screen(ctx, node)])
    await ctx.tx.set_override(ctx.round.id, node.key, "label", cleaned)
    lead = ctx.t("rename.done", old=node.label, new=cleaned)
    updated = _find(await ctx.map(), key_hash(node.key)) or node
    ctx.goto(EditorStage.BROWSE, node.key)
    return Outcome([card_screen(ctx, updated, lead=lead)])
