"""Draw the team's network map (PROTOCOL.md §5): a pure function from map data to image bytes.

The school sits in the centre; concentric rings are the distance scale; partners are grouped in
angular sectors by category and filled in the category colours; priority picks are marks around
a node in the chooser's role colour (never a fill, since blue, green and red are categories too);
node size shows how many members named a partner; disputed placements have a dashed outline;
lines are links. A side panel counts partners per category and ring, lists the categories that did
not come up and the picks per role. Labels never overlap each other or nodes: each label takes the
first free spot around its node, and on a crowded map the rest get a number with a key.
A comparison map (core.compare) also marks new partners with a green halo, dropped ones as grey
ghosts at their old place, and partners that moved ring with an arrow to or from the school.
The same data always gives the same bytes.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch, Wedge
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .model import CATEGORY_COLOUR, Category, Distance, Role

# Marker colours of the roles (001 FLAP 1), as strong print colours.
ROLE_HEX: dict[Role, str] = {
    Role.LERAAR: "#F1C40F",
    Role.DIRECTIE: "#1F4E9C",
    Role.ZORG: "#1E8449",
    Role.BELEIDSONDERSTEUNER: "#C0392B",
    Role.ANDERE: "#C0392B",
}
# Colour-blind-safe mode adds a shape per role and a hatch per category.
ROLE_MARKER: dict[Role, str] = {
    Role.LERAAR: "o",
    Role.DIRECTIE: "s",
    Role.ZORG: "^",
    Role.BELEIDSONDERSTEUNER: "D",
    Role.ANDERE: "D",
}
CATEGORY_HATCH: dict[Category, str] = {
    Category.ZORG: "",
    Category.PROFESSIONALISERING: "///",
    Category.AANBOD: "...",
    Category.STAGE: "xx",
    Category.ONDERZOEK: "\\\\",
    Category.BELEID: "oo",
    Category.INTERN: "",
    Category.ANDERE: "--",
}
# Ring boundaries (data units); band k holds distance k; band 5 holds "not placed yet".
RING_EDGES = (0.13, 0.33, 0.53, 0.73, 0.93, 1.13, 1.30)
FULL_LABELS_UP_TO = 90
# Comparison maps: MapNode.change, and a halo for new partners, ghosts for dropped ones,
# arrows for moves.
CHANGE_NEW = "new"
CHANGE_DROPPED = "dropped"
CHANGE_CLOSER = "closer"
CHANGE_FURTHER = "further"
NEW_HEX = "#1E8449"
GHOST_EDGE = "#7F8C8D"
MOVE_HEX = "#17202A"
SIZES = {"png_dpi": 150}


@dataclass(frozen=True)
class MapNode:
    """One partner as drawn."""

    label: str
    category: Category | None
    distance: Distance | None
    mentions: int = 1
    disputed: bool = False
    picks: tuple[Role, ...] = ()
    # On a comparison map: one of the CHANGE_* values (see core.compare), or None.
    change: str | None = None


@dataclass(frozen=True)
class MapTexts:
    """Every word on the picture, in the team's language (supplied by the caller)."""

    title: str
    centre: str = "school"
    legend_category: str = "Categorie"
    legend_priority: str = "Prioriteit (rol)"
    legend_other: str = "Overig"
    disputed: str = "betwist (plaatsing verschilt)"
    size: str = "grootte = aantal deelnemers"
    counts_title: str = "Partners per categorie"
    rings_title: str = "Partners per ring"
    missing_title: str = "Kwam niet aan bod"
    priorities_title: str = "Prioriteiten per rol"
    patterns: str = "Zie je patronen wie welke partners kiest?"
    no_priorities: str = "nog geen keuzes"
    key_title: str = "Sleutel"
    unplaced: str = "afstand nog niet gekozen"
    legend_changes: str = "Verandering"
    change_new: str = "nieuw"
    change_dropped: str = "niet meer genoemd"
    change_closer: str = "dichterbij"
    change_further: str = "verder weg"
    categories: dict[Category, str] = field(default_factory=dict)
    distances: dict[Distance, str] = field(default_factory=dict)
    roles: dict[Role, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MapData:
    """Everything the picture shows."""

    nodes: Sequence[MapNode]
    links: Sequence[tuple[int, int]] = ()
    texts: MapTexts = field(default_factory=lambda: MapTexts(title="Netwerkkaart"))
    colour_blind: bool = False


@dataclass
class Placed:
    """Where a node and its label ended up (exposed for tests of the layout)."""

    x: float
    y: float
    radius: float
    label: str
    label_box: Bbox | None = None
    numbered: bool = False


@dataclass
class Layout:
    """The drawn figure plus the positions, so tests can check overlaps."""

    figure: Figure
    placed: list[Placed]


# -- geometry ---------------------------------------------------------------------------------


def _band(distance: Distance | None) -> int:
    return int(distance) if distance is not None else 5


def node_radius(mentions: int) -> float:
    """Bigger when more members named the partner, within limits."""
    return 0.016 + 0.007 * min(max(mentions, 1), 8)


def _sectors(nodes: Sequence[MapNode]) -> dict[Category | None, tuple[float, float]]:
    """Angular sector per present category, wide in proportion to its partners (min. share)."""
    counts = Counter(node.category for node in nodes)
    order: list[Category | None] = [c for c in Category if counts.get(c)]
    if counts.get(None):
        order.append(None)
    total = sum(max(counts[c], 2) for c in order) or 1
    sectors: dict[Category | None, tuple[float, float]] = {}
    start = 90.0  # begin at the top, go clockwise
    for category in order:
        width = 360.0 * max(counts[category], 2) / total
        sectors[category] = (start - width, start)
        start -= width
    return sectors


def _positions(nodes: Sequence[MapNode]) -> list[tuple[float, float, float]]:
    """Place nodes by sector (angle) and ring (radius) as (x, y, radius), never touching.

    Each sector-ring cell is filled in arcs; when a cell is crowded its nodes shrink until the
    arcs fit in the ring, so nodes never overlap however many partners there are.
    """
    sectors = _sectors(nodes)
    cells: dict[tuple[Category | None, int], list[int]] = {}
    for index, node in enumerate(nodes):
        cells.setdefault((node.category, _band(node.distance)), []).append(index)
    positions: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)] * len(nodes)
    for (category, band), members in sorted(cells.items(), key=lambda item: str(item[0])):
        low, high = sectors[category]
        inner, outer = RING_EDGES[band], RING_EDGES[band + 1]
        members.sort(key=lambda i: (-nodes[i].mentions, nodes[i].label.casefold()))
        margin = (high - low) * 0.06
        span = math.radians((high - low) - 2 * margin)
        scale = 1.0
        while True:
            size = max(node_radius(nodes[i].mentions) for i in members) * scale
            pitch = 2.5 * size
            rows_fit = max(1, int((outer - inner) / pitch))
            per_row = max(1, int(span * (inner + pitch / 2) / pitch))
            if rows_fit * per_row >= len(members) or scale < 0.2:
                break
            scale *= 0.9
        per_row = max(1, math.ceil(len(members) / rows_fit))
        rows = math.ceil(len(members) / per_row)
        for k, index in enumerate(members):
            row, col = divmod(k, per_row)
            in_row = min(per_row, len(members) - row * per_row)
            radius = inner + (outer - inner) * (row + 0.5) / rows
            angle = math.radians(high - margin) - span * (col + 0.5) / in_row
            r = node_radius(nodes[index].mentions) * scale
            positions[index] = (radius * math.cos(angle), radius * math.sin(angle), r)
    return positions


# -- drawing ----------------------------------------------------------------------------------


def layout(data: MapData) -> Layout:
    """Draw the map into a new figure and return it with the final positions."""
    # No pyplot: a Figure of our own is safe to draw in a worker thread.
    matplotlib.rcParams["svg.hashsalt"] = "netwerkkaart"
    fig = Figure(figsize=(16, 11.5), dpi=SIZES["png_dpi"])
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.02, 0.66, 0.90))
    panel = fig.add_axes((0.68, 0.02, 0.31, 0.90))
    ax.set_xlim(-1.65, 1.65)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    panel.axis("off")
    texts = data.texts
    fig.suptitle(texts.title, fontsize=15, fontweight="bold", x=0.01, ha="left", y=0.975)

    nodes = list(data.nodes)
    bands_used = {_band(n.distance) for n in nodes}
    _draw_rings(ax, texts, show_unplaced=5 in bands_used)
    outer = RING_EDGES[6 if 5 in bands_used else 5]
    sector_names = _draw_sector_lines(ax, nodes, texts.categories, outer)
    positions = _positions(nodes)
    for a, b in data.links:
        if 0 <= a < len(nodes) and 0 <= b < len(nodes) and a != b:
            (xa, ya, _), (xb, yb, _) = positions[a], positions[b]
            ax.plot([xa, xb], [ya, yb], color="#7F8C8D", linewidth=1.1, alpha=0.7, zorder=2)
    placed = [
        _draw_node(ax, node, xyr, data.colour_blind)
        for node, xyr in zip(nodes, positions, strict=True)
    ]
    ax.add_patch(Circle((0, 0), RING_EDGES[0] * 0.92, facecolor="#FDFEFE", edgecolor="#2C3E50",
                        linewidth=2.2, zorder=5))  # fmt: skip
    ax.text(0, 0, texts.centre, ha="center", va="center", fontsize=13, fontweight="bold",
            color="#2C3E50", zorder=6)  # fmt: skip
    key = _place_labels(fig, ax, placed, sector_names)
    _draw_panel(panel, data, key)
    return Layout(fig, placed)


def _draw_rings(ax: Axes, texts: MapTexts, *, show_unplaced: bool) -> None:
    shades = ("#F4F6F6", "#FBFCFC", "#F4F6F6", "#FBFCFC", "#F2F3F4", "#FFFFFF")
    last = 6 if show_unplaced else 5
    for band in reversed(range(last)):
        outer = RING_EDGES[band + 1]
        style = "-" if band < 5 else ":"
        ax.add_patch(Circle((0, 0), outer, facecolor=shades[band], edgecolor="#B3B6B7",
                            linewidth=1.0, linestyle=style, zorder=0))  # fmt: skip
        label = texts.distances.get(Distance(band), "") if band < 5 else texts.unplaced
        ax.text(0, outer - 0.012, label, ha="center", va="top", fontsize=8.5, color="#7B7D7D",
                style="italic", zorder=1)  # fmt: skip


def _draw_sector_lines(
    ax: Axes, nodes: Sequence[MapNode], sector_names: dict[Category, str], outer: float
) -> list[Text]:
    """Dashed sector borders, a light tint per category and its name outside the rings."""
    sectors = _sectors(nodes)
    names: list[Text] = []
    if not sectors:
        return names
    for low, _ in sectors.values() if len(sectors) > 1 else ():
        theta = math.radians(low)
        ax.plot([RING_EDGES[0] * math.cos(theta), RING_EDGES[-2] * math.cos(theta)],
                [RING_EDGES[0] * math.sin(theta), RING_EDGES[-2] * math.sin(theta)],
                color="#D5D8DC", linewidth=0.9, linestyle="--", zorder=1)  # fmt: skip
    for category, (low, high) in sectors.items():
        colour = CATEGORY_COLOUR[category or Category.ANDERE]
        # A light tint per sector groups the partners of one category, like post-its on a sheet.
        ax.add_patch(Wedge((0, 0), RING_EDGES[-2], low, high, width=RING_EDGES[-2] - RING_EDGES[0],
                           facecolor=colour, alpha=0.07, edgecolor="none", zorder=0.5))  # fmt: skip
        if category is None:
            continue
        middle = math.radians((low + high) / 2)
        radius = outer + 0.03
        cx, cy = math.cos(middle), math.sin(middle)
        # Horizontal text, anchored on the side facing the circle: a compact box for the labels.
        ha = "left" if cx > 0.25 else "right" if cx < -0.25 else "center"
        va = "bottom" if cy > 0.25 else "top" if cy < -0.25 else "center"
        name = _wrap(sector_names.get(category, category.value), 16).replace("    ", "")
        names.append(ax.text(radius * cx, radius * cy, name, ha=ha, multialignment=ha, va=va,
                             fontsize=8.5, color="#424949", fontweight="bold",
                             zorder=1))  # fmt: skip
    return names


def _draw_node(
    ax: Axes, node: MapNode, xyr: tuple[float, float, float], colour_blind: bool
) -> Placed:
    x, y, radius = xyr
    category = node.category or Category.ANDERE
    if node.change == CHANGE_DROPPED:
        # A ghost: where the partner was, without colour or picks.
        ax.add_patch(
            Circle((x, y), radius, facecolor="#FDFEFE", edgecolor=GHOST_EDGE, linewidth=1.6,
                   linestyle=(0, (3, 2)), alpha=0.55, zorder=4)
        )  # fmt: skip
        return Placed(x, y, radius, node.label)
    fill = CATEGORY_COLOUR[category]
    edge = "#555555" if category is Category.ANDERE else "#1B2631"
    ax.add_patch(
        Circle((x, y), radius, facecolor=fill, edgecolor=edge,
               linewidth=2.2 if node.disputed else 1.2,
               linestyle=(0, (3, 2)) if node.disputed else "-",
               hatch=CATEGORY_HATCH[category] if colour_blind else None, zorder=4)
    )  # fmt: skip
    reach = 0.02 if node.picks else 0.0
    if node.change == CHANGE_NEW:
        # A thick green ring just outside the circle, with a thin gap so it never reads as the
        # fill of a green category (pick marks are drawn on top of it).
        ax.add_patch(Circle((x, y), radius + 0.011, facecolor="none", edgecolor=NEW_HEX,
                            linewidth=2.8, zorder=3.9))  # fmt: skip
        reach = max(reach, 0.018)
    for k, role in enumerate(sorted(node.picks, key=lambda r: list(Role).index(r))):
        angle = math.pi / 2 - k * (2 * math.pi / max(len(node.picks), 6))
        mx, my = x + (radius + 0.010) * math.cos(angle), y + (radius + 0.010) * math.sin(angle)
        ax.plot(mx, my, marker=ROLE_MARKER[role] if colour_blind else "o", markersize=7,
                markerfacecolor=ROLE_HEX[role], markeredgecolor="#17202A",
                markeredgewidth=0.9, linestyle="none", zorder=7)  # fmt: skip
    if node.change in (CHANGE_CLOSER, CHANGE_FURTHER):
        reach = max(
            reach,
            _draw_move(
                ax, x, y, radius, closer=node.change == CHANGE_CLOSER, picks=bool(node.picks)
            ),
        )
    return Placed(x, y, radius + reach, node.label)


def _draw_move(ax: Axes, x: float, y: float, radius: float, *, closer: bool, picks: bool) -> float:
    """An arrow beside the node, pointing to the school (closer) or away from it (further).

    Returns how far beyond the circle the arrow reaches.
    """
    distance = math.hypot(x, y) or 1.0
    ux, uy = x / distance, y / distance  # outward, away from the school in the centre
    tx, ty = uy, -ux  # along the ring
    gap = radius + (0.032 if picks else 0.020)
    half = 0.02
    cx, cy = x + tx * gap, y + ty * gap
    sign = -1.0 if closer else 1.0
    start = (cx - sign * ux * half, cy - sign * uy * half)
    end = (cx + sign * ux * half, cy + sign * uy * half)
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=8, linewidth=1.6,
                        color=MOVE_HEX, shrinkA=0, shrinkB=0, zorder=7)
    )  # fmt: skip
    return math.hypot(gap, half) - radius + 0.006


def _place_labels(
    fig: Figure, ax: Axes, placed: list[Placed], fixed: list[Text]
) -> list[tuple[int, str]]:
    """Put each label at the first free spot around its node; number the ones that do not fit.

    Text sizes are measured once per label; candidate spots are then checked arithmetically,
    which keeps a 60-partner map fast.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    to_display = ax.transData
    pad = 2.0
    blocked: list[Bbox] = [artist.get_window_extent(renderer) for artist in fixed]
    for p in placed:
        (x0, y0), (x1, y1) = to_display.transform([(p.x - p.radius, p.y - p.radius),
                                                    (p.x + p.radius, p.y + p.radius)])  # fmt: skip
        blocked.append(Bbox([[x0 - pad, y0 - pad], [x1 + pad, y1 + pad]]))
    centre = to_display.transform(
        [(-RING_EDGES[0], -RING_EDGES[0]), (RING_EDGES[0], RING_EDGES[0])]
    )
    blocked.append(Bbox(centre))
    area = ax.get_window_extent(renderer)
    numbered_all = len(placed) > FULL_LABELS_UP_TO
    key: list[tuple[int, str]] = []
    order = sorted(range(len(placed)), key=lambda i: (placed[i].radius, -len(placed[i].label)))
    order.reverse()
    for index in order:
        p = placed[index]
        text = str(len(key) + 1) if numbered_all else p.label
        size = 7.0 if numbered_all else 8.5
        spot = _free_spot(ax, renderer, p, text, blocked, area, size)
        if spot is None and not numbered_all:
            text, size = str(len(key) + 1), 7.0
            spot = _free_spot(ax, renderer, p, text, blocked, area, size)
        if spot is None:
            size = 6.0
            spot = _free_spot(ax, renderer, p, text, blocked, area, size, far=True)
        if text != p.label:
            key.append((len(key) + 1, p.label))
            p.numbered = True
        if spot is None:
            continue
        box, (ox, oy), ha, va = spot
        ax.text(ox, oy, text, fontsize=size, ha=ha, va=va, zorder=8, color="#17202A",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.8})  # fmt: skip
        p.label_box = box
        blocked.append(box)
        _leader_line(ax, p, box)
    return key


def _leader_line(ax: Axes, p: Placed, box: Bbox) -> None:
    """A thin line from the node to a label that had to move away from it."""
    cx, cy = ax.transData.transform((p.x, p.y))
    nx = min(max(cx, box.x0), box.x1)
    ny = min(max(cy, box.y0), box.y1)
    edge = ax.transData.transform((p.x + p.radius, p.y))[0] - cx
    if math.hypot(nx - cx, ny - cy) <= edge * 1.8 + 6:
        return
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(cx, cy), (nx, ny)])
    ax.plot([x0, x1], [y0, y1], color="#566573", linewidth=0.6, zorder=3)


_SPOTS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1),
          (1, 0.5), (-1, 0.5), (1, -0.5), (-1, -0.5))  # fmt: skip


def _measure(ax: Axes, renderer: object, text: str, fontsize: float) -> tuple[float, float]:
    """Width and height in pixels of a label with its white box."""
    artist = ax.text(0, 0, text, fontsize=fontsize,
                     bbox={"boxstyle": "round,pad=0.15", "edgecolor": "none"})  # fmt: skip
    box = artist.get_window_extent(renderer)  # type: ignore[arg-type]
    artist.remove()
    # The rounded box adds 0.15 em on every side.
    pad = 2 * 0.15 * fontsize * ax.figure.dpi / 72
    return box.width + pad, box.height + pad


def _free_spot(
    ax: Axes,
    renderer: object,
    p: Placed,
    text: str,
    blocked: list[Bbox],
    area: Bbox,
    fontsize: float,
    *,
    far: bool = False,
) -> tuple[Bbox, tuple[float, float], str, str] | None:
    """The first candidate position whose label box is inside the map and touches nothing."""
    width, height = _measure(ax, renderer, text, fontsize)
    steps = (1.0, 1.8, 2.8, 4.0, 5.5, 7.5, 10.0, 13.0, 17.0) if far else (1.0, 1.6, 2.4, 3.4, 4.6)
    for step in steps:
        for dx, dy in _SPOTS:
            gap = p.radius * 0.35 + 0.008 * step
            ox, oy = p.x + dx * (p.radius + gap), p.y + dy * (p.radius + gap)
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if (dy >= 0.5 and dx == 0) or dy >= 1 else "top" if dy <= -1 else "center"
            px, py = ax.transData.transform((ox, oy))
            x0 = px if ha == "left" else px - width if ha == "right" else px - width / 2
            y0 = py if va == "bottom" else py - height if va == "top" else py - height / 2
            box = Bbox([[x0, y0], [x0 + width, y0 + height]])
            inside = (
                area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1
            )
            if inside and not any(box.overlaps(other) for other in blocked):
                return box, (ox, oy), ha, va
    return None


def _draw_panel(panel: Axes, data: MapData, key: list[tuple[int, str]]) -> None:
    texts = data.texts
    # Dropped partners of a comparison map are ghosts: the counts are about the current map.
    nodes = [node for node in data.nodes if node.change != CHANGE_DROPPED]
    counts = Counter(node.category for node in nodes)
    handles = [
        Patch(facecolor=CATEGORY_COLOUR[c], edgecolor="#1B2631",
              hatch=CATEGORY_HATCH[c] if data.colour_blind else None,
              label=f"{texts.categories.get(c, c.value)} ({counts.get(c, 0)})")
        for c in Category
    ]  # fmt: skip
    legend = panel.legend(handles=handles, title=texts.legend_category, loc="upper left",
                          fontsize=8.5, title_fontsize=10, frameon=False,
                          bbox_to_anchor=(0.0, 1.0))  # fmt: skip
    panel.add_artist(legend)
    role_names = {r: texts.roles.get(r, r.value) for r in Role}
    role_names[Role.BELEIDSONDERSTEUNER] += ", " + role_names.pop(Role.ANDERE)
    role_handles = [
        Line2D([], [], marker=ROLE_MARKER[r] if data.colour_blind else "o", linestyle="none",
                   markersize=8, markerfacecolor=ROLE_HEX[r], markeredgecolor="#17202A",
                   label=name)
        for r, name in role_names.items()
    ]  # fmt: skip
    role_handles.append(
        Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor="white",
                   markeredgecolor="#1B2631", markeredgewidth=2, label=texts.disputed)
    )  # fmt: skip
    role_legend = panel.legend(handles=role_handles, title=texts.legend_priority, loc="upper left",
                               fontsize=8.5, title_fontsize=10, frameon=False,
                               bbox_to_anchor=(0.0, 0.74))  # fmt: skip
    panel.add_artist(role_legend)
    if any(node.change for node in data.nodes):
        _draw_change_legend(panel, texts)

    lines: list[str] = []
    rings = Counter(_band(n.distance) for n in nodes)
    ring_parts = [
        f"{texts.distances.get(Distance(b), str(b))}: {rings[b]}" for b in range(5) if rings.get(b)
    ]
    if rings.get(5):
        ring_parts.append(f"{texts.unplaced}: {rings[5]}")
    lines.append(f"{texts.rings_title}: " + ", ".join(ring_parts or ["0"]))
    missing = [texts.categories.get(c, c.value) for c in Category if not counts.get(c)]
    if missing:
        lines.append(f"{texts.missing_title}: " + ", ".join(missing))
    lines.append("")
    lines.append(texts.priorities_title)
    by_role: dict[Role, Counter[str]] = {}
    for node in nodes:
        for role in node.picks:
            by_role.setdefault(role, Counter())[node.label] += 1
    if not by_role:
        lines.append(f"  {texts.no_priorities}")
    for role in Role:
        if role in by_role:
            ranked = sorted(by_role[role].items(), key=lambda item: (-item[1], item[0].casefold()))
            picks = ", ".join(f"{label} ({n})" for label, n in ranked[:4])
            if len(ranked) > 4:
                picks += f", … (+{len(ranked) - 4})"
            lines.append(f"  {texts.roles.get(role, role.value)}: {picks}")
    lines.append(texts.patterns)
    lines.append(texts.size)
    wrapped = [_wrap(line, 62) for line in lines]
    panel.text(0.0, 0.50, "\n".join(wrapped), va="top", ha="left", fontsize=8.2,
               transform=panel.transAxes, linespacing=1.3)  # fmt: skip
    if key:
        _draw_key(panel, texts.key_title, key)


def _move_marker(*, closer: bool) -> Path:
    """A legend mark: the school as a dot on the left, an arrow towards it or away from it."""
    school = Path.circle((-1.0, 0.0), 0.22)
    if closer:
        shaft = [(-0.45, -0.07), (1.0, -0.07), (1.0, 0.07), (-0.45, 0.07), (-0.45, -0.07)]
        head = [(-0.7, 0.0), (-0.3, 0.3), (-0.3, -0.3), (-0.7, 0.0)]
    else:
        shaft = [(-0.6, -0.07), (0.65, -0.07), (0.65, 0.07), (-0.6, 0.07), (-0.6, -0.07)]
        head = [(1.0, 0.0), (0.6, 0.3), (0.6, -0.3), (1.0, 0.0)]
    return Path.make_compound_path(school, Path(shaft, closed=True), Path(head, closed=True))


def _draw_change_legend(panel: Axes, texts: MapTexts) -> None:
    """What the marks of a comparison map mean, beside the priority legend."""
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor="white",
               markeredgecolor=NEW_HEX, markeredgewidth=3, label=texts.change_new),
        Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor="#FDFEFE",
               markeredgecolor=GHOST_EDGE, markeredgewidth=1.4, alpha=0.6,
               label=texts.change_dropped),
        Line2D([], [], marker=_move_marker(closer=True), linestyle="none", markersize=18,
               markerfacecolor=MOVE_HEX, markeredgecolor=MOVE_HEX, markeredgewidth=0.5,
               label=texts.change_closer),
        Line2D([], [], marker=_move_marker(closer=False), linestyle="none", markersize=18,
               markerfacecolor=MOVE_HEX, markeredgecolor=MOVE_HEX, markeredgewidth=0.5,
               label=texts.change_further),
    ]  # fmt: skip
    legend = panel.legend(handles=handles, title=texts.legend_changes, loc="upper left",
                          fontsize=8.5, title_fontsize=10, frameon=False,
                          bbox_to_anchor=(0.6, 0.74))  # fmt: skip
    panel.add_artist(legend)


def _draw_key(panel: Axes, title: str, key: list[tuple[int, str]]) -> None:
    """The numbered labels of a crowded map, in columns at the foot of the panel."""
    columns = 1 if len(key) <= 12 else 2 if len(key) <= 40 else 4
    per_column = math.ceil(len(key) / columns)
    size = 7.5 if columns == 1 else 6.5 if columns == 2 else 5.2
    width = 32 if columns <= 2 else 22
    top = 0.30 if columns == 4 else 0.26
    panel.text(0.0, top + 0.01, title, va="bottom", ha="left", fontsize=8.5, fontweight="bold",
               transform=panel.transAxes)  # fmt: skip
    for column in range(columns):
        chunk = key[column * per_column : (column + 1) * per_column]
        body = "\n".join(f"{n}. {_shorten(label, width)}" for n, label in chunk)
        panel.text(column / columns, top, body, va="top", ha="left", fontsize=size,
                   transform=panel.transAxes, linespacing=1.15)  # fmt: skip


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(line: str, width: int) -> str:
    if len(line) <= width:
        return line
    words, out, current = line.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = "    " + word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)


def render(data: MapData, fmt: str = "png") -> bytes:
    """The map as PNG (for Telegram), SVG or PDF (for print); same data, same bytes."""
    result = layout(data)
    buffer = io.BytesIO()
    metadata: dict[str, str | None]
    if fmt == "png":
        metadata = {"Software": None}
    elif fmt == "svg":
        metadata = {"Date": None, "Creator": None}
    elif fmt == "pdf":
        metadata = {"CreationDate": None, "Creator": None, "Producer": None}
    else:
        raise ValueError(f"unknown format {fmt!r}")
    # zlib level 3 encodes ~3x faster than the default 6 for a few percent more bytes.
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    result.figure.savefig(buffer, format=fmt, dpi=SIZES["png_dpi"], metadata=metadata, **extra)
    return buffer.getvalue()
