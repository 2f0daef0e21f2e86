"""Draw the team's network map (PROTOCOL.md §5): a pure function from map data to image bytes.

The school sits in the centre; concentric rings are the distance scale; partners are grouped in
angular sectors by category and filled in the category colours; priority picks are marks beside
a node in the chooser's role colour (never a fill, since blue, green and red are categories too);
node size shows how many members named a partner; disputed placements have a dashed outline;
links are arcs around the school. Legends count partners per category and ring, list the
categories that did not come up and every pick per role.

Three forms of the same picture (`Form`): PHONE, portrait, the map filling the width and the
legends below it, for Telegram (1280 px wide); PRINT, landscape with the legends beside the map,
for a report page; POSTER, the phone layout at A3 size as a vector PDF.

Labels: every partner and its label form one box that is packed inside the partner's own cell
(its category sector and its ring), so a label sits next to its node, inside its sector, and
never overlaps another label, a node or a ring name. When a cell is too crowded (or the map has
more than FULL_LABELS_UP_TO partners) partners get a number and the numbered key below the map
gives their names in full.
A comparison map (core.compare) also marks new partners with a green halo, dropped ones as grey
ghosts, and partners that moved ring with an arrow to or from the school.
The same data always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle, Wedge
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox, Transform

from .model import CATEGORY_COLOUR, Category, Distance, Role

log = logging.getLogger(__name__)

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
# Above this many partners every partner gets a number and the key below the map names them.
FULL_LABELS_UP_TO = 70
# Comparison maps: MapNode.change, and a halo for new partners, ghosts for dropped ones,
# arrows for moves.
CHANGE_NEW = "new"
CHANGE_DROPPED = "dropped"
CHANGE_CLOSER = "closer"
CHANGE_FURTHER = "further"
NEW_HEX = "#1E8449"
GHOST_EDGE = "#7F8C8D"
MOVE_HEX = "#17202A"
INK = "#17202A"
GREY = "#424949"


@dataclass(frozen=True)
class Form:
    """The size of one form of the picture; every distance on the map scales with the labels."""

    name: str
    map_in: float  # side of the square map, inches
    dpi: float
    label_pt: float  # the partners' labels (the smallest text on the map)
    mark_px: float  # diameter of a priority mark, pixels at this dpi
    panel: str  # "below" (portrait) or "right" (landscape)
    panel_in: float = 0.0  # width of the legends beside the map ("right")
    key_in_picture: bool = True
    page_in: tuple[float, float] | None = None  # a paper page the picture is centred on
    node_scale: float = 1.0  # paper has less room per label than a phone: smaller nodes


A4_LANDSCAPE = (11.69, 8.27)
A3_LANDSCAPE = (16.54, 11.69)
# 1280 px wide: labels 15 px, priority marks 27 px (Telegram keeps 1280 px of a photo).
PHONE = Form("phone", 8.0, 160, 6.9, 27.0, "below")
# A landscape A4 page (26.7 x 17.8 cm): labels 7.2 pt on paper, the legends beside the map;
# the numbered key, if any, follows on its own page.
PRINT = Form("print", 7.0, 200, 7.2, 7.2 * 200 / 72 * 1.5, "right", panel_in=3.5,
             key_in_picture=False, node_scale=0.7)  # fmt: skip
# The A3 poster: the print layout at 1.5 times the size (labels 10.6 pt), on an A3 page.
POSTER = Form("poster", 10.6, 100, 10.6, 10.6 * 100 / 72 * 1.5, "right", panel_in=5.3,
              key_in_picture=False, page_in=A3_LANDSCAPE, node_scale=0.7)  # fmt: skip
FORMS = {form.name: form for form in (PHONE, PRINT, POSTER)}
# The pages of /export's PDF: the print layout on A4.
PRINT_PAGE = replace(PRINT, name="print-page", page_in=A4_LANDSCAPE)
# /export's SVG: one picture, the key beside the map.
PRINT_WITH_KEY = replace(PRINT, name="print-key", key_in_picture=True)
SIZES = {"png_dpi": PHONE.dpi}
_BASE_LABEL_PX = PHONE.label_pt * PHONE.dpi / 72


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
    """Where a node and its label ended up (exposed for tests of the layout).

    x, y, radius: the node in map units (pixels at the form's dpi, the school at 0, 0), the
    radius including its marks; label_box: the label with its white box, in display pixels.
    """

    x: float
    y: float
    radius: float
    label: str
    label_box: Bbox | None = None
    numbered: bool = False
    label_artist: Text | None = None
    marks: list[Line2D] = field(default_factory=list)


@dataclass
class Layout:
    """The drawn figure plus the positions and artists, so tests can measure the picture."""

    figure: Figure
    placed: list[Placed]
    form: Form = PHONE
    map_axes: Axes | None = None
    sectors: dict[Category | None, tuple[float, float]] = field(default_factory=dict)
    ring_edges: list[float] = field(default_factory=list)
    ring_names: list[Text] = field(default_factory=list)
    sector_names: list[Text] = field(default_factory=list)
    key: list[tuple[int, str]] = field(default_factory=list)
    key_texts: list[Text] = field(default_factory=list)
    panel_texts: list[Text] = field(default_factory=list)
    links: list[Line2D] = field(default_factory=list)
    school_radius: float = 0.0


# -- measuring --------------------------------------------------------------------------------


_MEASURE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=20000)
def _measure(text: str, pt: float, weight: str, style: str, dpi: float) -> tuple[float, float]:
    """Width and height in pixels of one line of text (shared by every picture drawn)."""
    with _MEASURE_LOCK:
        renderer = _renderer(dpi)
        prop = FontProperties(family="DejaVu Sans", size=pt, weight=weight, style=style)  # type: ignore[arg-type]
        width, height, _ = renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
            text or " ", prop, ismath=False
        )
    return width, height


@functools.lru_cache(maxsize=64)
def _ascent(pt: float, weight: str, style: str, dpi: float) -> float:
    """From the top of a line to its baseline, in pixels: lines drawn on their baseline line
    up whatever accents they carry."""
    with _MEASURE_LOCK:
        prop = FontProperties(family="DejaVu Sans", size=pt, weight=weight, style=style)  # type: ignore[arg-type]
        _, height, descent = _renderer(dpi).get_text_width_height_descent(  # type: ignore[no-untyped-call]
            "Ag", prop, ismath=False
        )
    return float(height - descent)


@functools.lru_cache(maxsize=8)
def _renderer(dpi: float) -> RendererAgg:
    return RendererAgg(1, 1, dpi)  # type: ignore[no-untyped-call]


class _Ruler:
    """Text sizes in pixels at the form's dpi, and wrapping by measured width."""

    def __init__(self, figure: Figure) -> None:
        self.dpi = figure.dpi

    def size(
        self, text: str, pt: float, weight: str = "normal", style: str = "normal"
    ) -> tuple[float, float]:
        return _measure(text, pt, weight, style, self.dpi)

    def _words(self, words: list[str], pt: float, weight: str) -> float:
        """A line's width from its words' (a pixel of slack per space for kerning)."""
        space = self.size("a a", pt, weight)[0] - self.size("aa", pt, weight)[0]
        widths = sum(self.size(word, pt, weight)[0] for word in words)
        return widths + (len(words) - 1) * (space + 1.0)

    def wrap(
        self, text: str, pt: float, width: float, *, weight: str = "normal", indent: str = ""
    ) -> list[str]:
        """Lines of at most `width` pixels (a single long word stays whole); never cut."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current: list[str] = []
            for word in paragraph.split(" "):
                if current and self._words([*current, word], pt, weight) > width:
                    lines.append(" ".join(current))
                    current = [indent + word] if indent else [word]
                else:
                    current.append(word)
            lines.append(" ".join(current))
        return lines


# -- geometry ---------------------------------------------------------------------------------


def _band(distance: Distance | None) -> int:
    return int(distance) if distance is not None else 5


def node_radius(mentions: int, scale: float = 1.0) -> float:
    """Bigger when more members named the partner, within limits (pixels on the phone)."""
    return (7.0 + 2.2 * (min(max(mentions, 1), 8) - 1)) * scale


@dataclass
class _Item:
    """A partner with its label: one box to pack (offsets from the node's centre)."""

    index: int
    text: str  # the label as drawn (wrapped lines or a number)
    left: float
    right: float  # the label's far edge
    down: float
    up: float
    label_dx: float  # where the label starts
    label_w: float
    label_h: float
    numbered: bool = False
    r: float = 0.0
    side: str = "right"
    x: float = 0.0
    y: float = 0.0

    @property
    def w(self) -> float:
        return self.left + self.right

    @property
    def h(self) -> float:
        return self.down + self.up


@dataclass
class _Cell:
    """One category sector within one ring, at most 170 degrees wide (so it is convex)."""

    r_in: float
    r_out: float
    low: float  # degrees
    high: float
    pad: float
    obstacles: list[tuple[float, float, float, float]]

    def __post_init__(self) -> None:
        low, high = math.radians(self.low), math.radians(self.high)
        self.u = (math.cos(low), math.sin(low))
        self.v = (math.cos(high), math.sin(high))
        ys = []
        steps = 24
        for k in range(steps + 1):
            angle = low + (high - low) * k / steps
            ys += [self.r_in * math.sin(angle), self.r_out * math.sin(angle)]
        self._y_range = (min(ys), max(ys))

    def y_range(self) -> tuple[float, float]:
        return self._y_range

    def starts(
        self,
        y0: float,
        y1: float,
        w: float,
        boxes: Sequence[tuple[float, float, float, float]] | None = None,
    ) -> list[tuple[float, float]]:
        """Intervals of left edges x0 where the box [x0, x0+w] x [y0, y1] lies in the cell and
        touches none of `boxes` (by default the cell's obstacles)."""
        ym = max(abs(y0), abs(y1))
        if ym >= self.r_out:
            return []
        a = math.sqrt(self.r_out**2 - ym**2)
        lo, hi = -a, a - w
        u, v = self.u, self.v
        pad = self.pad
        for y in (y0, y1):
            # counter-clockwise of the low edge: ux*y - uy*x >= pad
            if abs(u[1]) < 1e-9:
                if u[0] * y < pad:
                    return []
            elif u[1] > 0:
                hi = min(hi, (u[0] * y - pad) / u[1] - w)
            else:
                lo = max(lo, (u[0] * y - pad) / u[1])
            # clockwise of the high edge: x*vy - y*vx >= pad
            if abs(v[1]) < 1e-9:
                if -y * v[0] < pad:
                    return []
            elif v[1] > 0:
                lo = max(lo, (pad + y * v[0]) / v[1])
            else:
                hi = min(hi, (pad + y * v[0]) / v[1] - w)
        if lo > hi:
            return []
        spans = [(lo, hi)]
        near = 0.0 if y0 <= 0 <= y1 else min(abs(y0), abs(y1))
        holes = []
        if near < self.r_in:
            b = math.sqrt(self.r_in**2 - near**2)
            holes.append((-b - w, b))
        for ox0, oy0, ox1, oy1 in self.obstacles if boxes is None else boxes:
            if oy0 < y1 and y0 < oy1:
                holes.append((ox0 - w, ox1))
        for h0, h1 in holes:
            spans = [
                part
                for s0, s1 in spans
                for part in ((s0, min(s1, h0)), (max(s0, h1), s1))
                if part[0] <= part[1]
            ]
        return spans


def _spot(
    parts: list[_Cell],
    item: _Item,
    band: tuple[float, float],
    ideal: tuple[float, float],
    step: float,
    placed: list[tuple[float, float, float, float]],
    gap: float = 0.0,
) -> tuple[float, float] | None:
    """The free place nearest to `ideal` for the item's box inside its sector, with the node
    inside its ring; None when there is none."""
    r_lo, r_hi = band[0] + item.r + step, band[1] - item.r - step
    if r_lo > r_hi:
        return None
    best: tuple[float, float, float] | None = None
    ix, iy = ideal
    # Only what could touch a box of this item whose node is in its ring.
    reach_lo, reach_hi = -r_hi - item.down, r_hi + item.up
    near = [
        (a - gap, b - gap, c + gap, d + gap)
        for a, b, c, d in placed
        if d + gap > reach_lo and b - gap < reach_hi
    ]
    for cell in parts:
        boxes = [*cell.obstacles, *near]
        bottom, top = cell.y_range()
        low_y = max(bottom + item.down, -r_hi)
        high_y = min(top - item.up, r_hi)
        if low_y > high_y:
            continue
        count = int((high_y - low_y) / step) + 1
        ys = sorted((low_y + k * step for k in range(count)), key=lambda y: abs(y - iy))
        for cy in ys:
            if best is not None and (cy - iy) ** 2 >= best[0]:
                break
            a_hi2 = r_hi * r_hi - cy * cy
            if a_hi2 < 0:
                continue
            a_hi = math.sqrt(a_hi2)
            a_lo = math.sqrt(max(0.0, r_lo * r_lo - cy * cy))
            y0, y1 = cy - item.down, cy + item.up
            spans = cell.starts(y0, y1, item.w, boxes)
            for s0, s1 in spans:
                for c0, c1 in ((a_lo, a_hi), (-a_hi, -a_lo)):
                    lo, hi = max(s0, c0 - item.left), min(s1, c1 - item.left)
                    if lo > hi:
                        continue
                    x0 = min(max(ix - item.left, lo), hi)
                    cost = (x0 + item.left - ix) ** 2 + (cy - iy) ** 2
                    if best is None or cost < best[0]:
                        best = (cost, x0 + item.left, cy)
    return None if best is None else (best[1], best[2])


@dataclass
class _Geometry:
    """Sizes of one form in pixels at its dpi."""

    form: Form
    unit: float  # pixels per phone pixel
    label_px: float
    side: float  # the square map
    radius: float  # outer edge of the rings
    school: float

    @property
    def mark_pt(self) -> float:
        return self.form.mark_px * 72 / self.form.dpi


def _geometry(form: Form) -> _Geometry:
    label_px = form.label_pt * form.dpi / 72
    unit = label_px / _BASE_LABEL_PX
    side = form.map_in * form.dpi
    # Outside the rings: the category names, two lines along the circle.
    margin = 2 * 1.3 * (form.label_pt + 0.6) * form.dpi / 72 + 10 * unit
    radius = side / 2 - margin
    return _Geometry(form, unit, label_px, side, radius, radius * 0.115)


def _item(
    node: MapNode,
    index: int,
    geo: _Geometry,
    ruler: _Ruler,
    text: str,
    *,
    scale: float = 1.0,
    side: str = "right",
) -> _Item:
    """The box of a node with its marks, its change marks and its label on one side of it
    ("right", "left" or "below"); the marks sit on the side away from the label."""
    unit = geo.unit * scale * geo.form.node_scale
    r = node_radius(node.mentions, unit)
    left = right = up = down = r + 1.5 * geo.unit
    marks = len(node.picks) if node.change != CHANGE_DROPPED else 0
    if marks:
        ring, angles = _mark_ring(r, marks, geo.form.mark_px, side)
        half = geo.form.mark_px / 2 + 1.5 * geo.unit
        for angle in angles:
            mx, my = ring * math.cos(angle), ring * math.sin(angle)
            left, right = max(left, half - mx), max(right, mx + half)
            up, down = max(up, my + half), max(down, half - my)
    if node.change == CHANGE_NEW:
        halo = r + 5 * geo.unit
        left, right, up, down = (max(v, halo) for v in (left, right, up, down))
    if node.change in (CHANGE_CLOSER, CHANGE_FURTHER):
        if side == "left":
            right = max(right, r + 26 * geo.unit)
        else:
            left = max(left, r + 26 * geo.unit)
        up, down = max(up, 12 * geo.unit), max(down, 12 * geo.unit)
    lines = text.split("\n")
    width = max(ruler.size(line, geo.form.label_pt)[0] for line in lines)
    line_h = ruler.size("Ag", geo.form.label_pt)[1]
    pad = 0.15 * geo.label_px
    label_w, label_h = width + 2 * pad, line_h * len(lines) * 1.2 + 2 * pad
    gap = 3 * geo.unit
    if side == "below":
        label_dx = down + gap
        down = label_dx + label_h
        left, right = max(left, label_w / 2), max(right, label_w / 2)
    else:
        label_dx = (right if side == "right" else left) + gap
        if side == "right":
            right = label_dx + label_w
        else:
            left = label_dx + label_w
        up, down = max(up, label_h / 2), max(down, label_h / 2)
    return _Item(index, text, left, right, down, up, label_dx, label_w, label_h, r=r, side=side)


def _mark_ring(r: float, count: int, mark: float, side: str = "right") -> tuple[float, list[float]]:
    """The priority marks sit side by side on the half of the node away from its label, on a
    circle wide enough for all of them."""
    span = math.radians(200)
    ring = r + 0.45 * mark  # the marks beside the node, not over it
    step = 2 * math.asin(min(1.0, mark * 0.54 / ring))
    if count > 1 and (count - 1) * step > span:
        ring = (count - 1) * mark * 1.08 / span
        step = span / (count - 1)
    centre = {"right": math.pi, "left": 0.0, "below": math.pi / 2}[side]
    return ring, [centre + (k - (count - 1) / 2) * step for k in range(count)]


def _sectors_for(
    needs: dict[Category | None, float], minimum: dict[Category | None, float]
) -> dict[Category | None, tuple[float, float]]:
    """Angular sector per present category, wide in proportion to what it holds, clockwise
    from the top; each at least wide enough for its name."""
    order: list[Category | None] = [c for c in Category if c in needs]
    if None in needs:
        order.append(None)
    if not order:
        return {}
    total = sum(needs.values()) or 1.0

    def widths(f: float) -> list[float]:
        return [max(minimum[c], 360.0 * f * needs[c] / total) for c in order]

    low_f, high_f = 0.0, 1.0
    if sum(widths(0.0)) >= 360.0:
        scale = 360.0 / sum(widths(0.0))
        chosen = [w * scale for w in widths(0.0)]
    else:
        for _ in range(50):
            mid = (low_f + high_f) / 2
            low_f, high_f = (mid, high_f) if sum(widths(mid)) < 360.0 else (low_f, mid)
        chosen = widths(low_f)
        chosen = [w * 360.0 / sum(chosen) for w in chosen]
    sectors: dict[Category | None, tuple[float, float]] = {}
    start = 90.0
    for category, width in zip(order, chosen, strict=True):
        sectors[category] = (start - width, start)
        start -= width
    return sectors


def _ring_edges(needs: list[float], school: float, outer: float, thinnest: float) -> list[float]:
    """Ring radii from the school outwards: each ring's area in proportion to what it holds,
    every ring at least `thinnest` wide."""

    def edges(f: float) -> list[float]:
        out = [school]
        for need in needs:
            r = out[-1]
            out.append(max(r + thinnest, math.sqrt(r * r + f * need / math.pi)))
        return out

    if edges(0.0)[-1] >= outer:
        base = edges(0.0)
        return [school + (e - school) * (outer - school) / (base[-1] - school) for e in base]
    low, high = 0.0, 1.0
    while edges(high)[-1] < outer:
        high *= 2
        if high > 1e12:
            break
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if edges(mid)[-1] < outer else (low, mid)
    result = edges(low)
    result[-1] = outer
    return result


# -- the layout -------------------------------------------------------------------------------

_FILL = 0.42  # the share of a ring that labelled partners can use


def _two_lines(ruler: _Ruler, text: str, pt: float) -> list[str]:
    """The most balanced split of a name into at most two lines."""
    words = text.split(" ")
    best, best_w = [text], ruler.size(text, pt, "bold")[0]
    for k in range(1, len(words)):
        lines = [" ".join(words[:k]), " ".join(words[k:])]
        width = max(ruler.size(line, pt, "bold")[0] for line in lines)
        if width < best_w:
            best, best_w = lines, width
    return best


def _plan(
    data: MapData, geo: _Geometry, ruler: _Ruler
) -> tuple[
    list[_Item],
    dict[Category | None, tuple[float, float]],
    list[float],
    list[tuple[str, tuple[float, float, float, float]]],
    dict[Category, list[str]],
]:
    """Where every partner and label goes, in map units (pixels, the school at 0, 0)."""
    form = geo.form
    nodes = list(data.nodes)
    texts = data.texts
    numbered_all = len(nodes) > FULL_LABELS_UP_TO
    placeholder = "8" * len(str(max(len(nodes), 1)))
    wrap_w = 12 * geo.label_px
    full = ["\n".join(ruler.wrap(n.label, form.label_pt, wrap_w)) for n in nodes]
    items = [
        _item(
            node,
            i,
            geo,
            ruler,
            placeholder if numbered_all else full[i],
            scale=(0.8 if len(nodes) <= 110 else 0.65) if numbered_all else 1.0,
        )
        for i, node in enumerate(nodes)
    ]
    if numbered_all:
        for item in items:
            item.numbered = True
    bands = sorted({_band(n.distance) for n in nodes} | {0, 1, 2, 3, 4})
    line_h = ruler.size("Ag", form.label_pt)[1]
    thinnest = max(2.2 * line_h + 26 * geo.unit, 0.12 * (geo.radius - geo.school))
    band_need = [0.0] * len(bands)
    for item, node in zip(items, nodes, strict=True):
        # Labels may reach into the next ring: a ring needs room for its nodes and some.
        band_need[bands.index(_band(node.distance))] += (
            (2 * item.left + 0.5 * item.label_w + 0.6 * geo.label_px)
            * (item.h + 0.6 * geo.label_px)
            / _FILL
        )
    edges = _ring_edges(band_need, geo.school, geo.radius, thinnest)
    name_pt = form.label_pt + 0.6
    category_needs: dict[Category | None, float] = {}
    for item, node in zip(items, nodes, strict=True):
        category_needs[node.category] = category_needs.get(node.category, 0.0) + item.w * item.h
    name_lines: dict[Category, list[str]] = {}
    minimum: dict[Category | None, float] = {}
    for category in category_needs:
        if category is None:
            minimum[category] = 24.0
            continue
        name = texts.categories.get(category, category.value)
        lines = _two_lines(ruler, name, name_pt)
        width = max(ruler.size(line, name_pt, "bold")[0] for line in lines)
        minimum[category] = max(
            14.0, math.degrees((width + 16 * geo.unit) / (geo.radius + 6 * geo.unit))
        )
        whole = ruler.size(name, name_pt, "bold")[0]
        name_lines[category] = [name] if whole <= width * 1.0001 else lines
    sectors = _sectors_for(category_needs, minimum)
    for category, (low, high) in sectors.items():
        if category is not None and len(name_lines[category]) > 1:
            name = texts.categories.get(category, category.value)
            arc = math.radians(high - low) * (geo.radius + 6 * geo.unit)
            if ruler.size(name, name_pt, "bold")[0] + 16 * geo.unit <= arc:
                name_lines[category] = [name]
    # The ring names at the top of each ring, kept free of partners and labels.
    ring_names: list[tuple[str, tuple[float, float, float, float]]] = []
    pad = 0.15 * geo.label_px
    for k, band in enumerate(bands):
        name = texts.distances.get(Distance(band), "") if band < 5 else texts.unplaced
        if not name:
            name = str(band)
        width, height = ruler.size(name, form.label_pt, style="italic")
        top = edges[k + 1] - 3 * geo.unit
        ring_names.append((name, (-width / 2 - pad, top - height - 2 * pad, width / 2 + pad, top)))
    obstacles = [
        (x0 - 4 * geo.unit, y0 - 3 * geo.unit, x1 + 4 * geo.unit, y1 + 3 * geo.unit)
        for _, (x0, y0, x1, y1) in ring_names
    ]
    by_sector: dict[Category | None, list[_Item]] = {}
    for item, node in zip(items, nodes, strict=True):
        by_sector.setdefault(node.category, []).append(item)
    for category, members in by_sector.items():
        low, high = sectors[category]
        parts = max(1, math.ceil((high - low) / 170.0))
        width = (high - low) / parts
        cells = [
            _Cell(geo.school + 4 * geo.unit, edges[-1] - 2 * geo.unit, high - (p + 1) * width,
                  high - p * width, 3 * geo.unit, obstacles)
            for p in range(parts)
        ]  # fmt: skip
        _place_sector(cells, members, nodes, bands, edges, geo, ruler, placeholder, low, high)
    return items, sectors, edges, ring_names, name_lines


def _place_sector(
    cells: list[_Cell],
    members: list[_Item],
    nodes: list[MapNode],
    bands: list[int],
    edges: list[float],
    geo: _Geometry,
    ruler: _Ruler,
    placeholder: str,
    low: float,
    high: float,
) -> None:
    """Each partner at the free place nearest to its spot in its ring, the inner rings first
    (they have the least room); a label that finds no place becomes a number, then the node
    shrinks; never two boxes on one spot."""
    step = 3.0 * geo.unit
    gap = 0.44 * geo.label_px
    originals = {it.index: replace(it) for it in members}
    # Each partner's own spot: spread over the sector in its ring.
    ideal: dict[int, tuple[float, float]] = {}
    ring_of: dict[int, tuple[float, float]] = {}
    cells_of: dict[int, list[_Item]] = {}
    for it in members:
        cells_of.setdefault(_band(nodes[it.index].distance), []).append(it)
    order: list[_Item] = []
    for band in sorted(cells_of):
        group = sorted(
            cells_of[band],
            key=lambda it: (-len(nodes[it.index].picks), -nodes[it.index].mentions,
                            nodes[it.index].label.casefold()),
        )  # fmt: skip
        k = bands.index(band)
        ring = (edges[k], edges[k + 1])
        middle = (ring[0] + ring[1]) / 2
        for n, it in enumerate(group):
            angle = math.radians(high - (high - low) * (n + 0.5) / len(group))
            ideal[it.index] = (middle * math.cos(angle), middle * math.sin(angle))
            ring_of[it.index] = ring
            order.append(it)
    first: list[int] = []
    failed: list[int] = []
    for _ in range(4 + len(members)):
        # Partners that found no place last time go first.
        attempt = sorted(order, key=lambda it: it.index not in first)
        failed = []
        placed: list[tuple[float, float, float, float]] = []
        for it in attempt:
            _replace(it, originals[it.index], numbered=originals[it.index].numbered)
            spot = None
            variant = it
            for variant in _variants(it, nodes[it.index], geo, ruler, placeholder):
                spot = _spot(cells, variant, ring_of[it.index], ideal[it.index], step, placed, gap)
                if spot is not None:
                    break
            if spot is None:
                # The last resort: the smallest form, almost touching its neighbours.
                spot = _spot(cells, variant, ring_of[it.index], ideal[it.index], step * 0.5,
                             placed, 1.0 * geo.unit)  # fmt: skip
            _replace(it, variant, numbered=variant.numbered)
            if spot is None:
                failed.append(it.index)
            it.x, it.y = spot if spot is not None else ideal[it.index]
            placed.append((it.x - it.left, it.y - it.down, it.x + it.right, it.y + it.up))
        if not failed:
            return
        first = [*first, *(i for i in failed if i not in first)]
        # Make room: the widest name still written out in this sector becomes a number.
        named = [it for it in members if not originals[it.index].numbered]
        if named:
            widest = max(named, key=lambda it: (originals[it.index].label_w, -it.index))
            numbered = _item(nodes[widest.index], widest.index, geo, ruler, placeholder)
            numbered.numbered = True
            originals[widest.index] = numbered
    log.warning("no free place on the map for %d partners; they may overlap", len(failed))


def _variants(
    item: _Item, node: MapNode, geo: _Geometry, ruler: _Ruler, placeholder: str
) -> Iterator[_Item]:
    """The ways to draw a partner, best first: its name on the right, left or below the node,
    then wrapped narrower (for the narrow wedges near the school), then a number, then a
    smaller node with a number."""
    pt = geo.form.label_pt
    if not item.numbered:
        texts = [item.text]
        for width in (7.5, 5.0):
            narrower = "\n".join(ruler.wrap(node.label, pt, width * geo.label_px))
            if narrower not in texts:
                texts.append(narrower)
        for k, text in enumerate(texts):
            for side in ("right", "left", "below") if k == 0 else ("right", "below"):
                yield _item(node, item.index, geo, ruler, text, side=side)
    start = min(1.0, item.r / node_radius(node.mentions, geo.unit * geo.form.node_scale))
    for scale in (start, start * 0.75, start * 0.55, start * 0.4):
        for side in ("right", "left", "below"):
            variant = _item(node, item.index, geo, ruler, placeholder, scale=scale, side=side)
            variant.numbered = True
            yield variant


def _replace(old: _Item, new: _Item, *, numbered: bool) -> _Item:
    for name in (
        "text",
        "left",
        "right",
        "down",
        "up",
        "label_dx",
        "label_w",
        "label_h",
        "r",
        "side",
    ):
        setattr(old, name, getattr(new, name))
    old.numbered = numbered
    return old


def _renumber(
    item: _Item, nodes: list[MapNode], geo: _Geometry, ruler: _Ruler, placeholder: str
) -> None:
    _replace(item, _item(nodes[item.index], item.index, geo, ruler, placeholder), numbered=True)


def layout(data: MapData, form: Form = PHONE) -> Layout:
    """Draw the map into a new figure and return it with the final positions and artists."""
    # No pyplot: a Figure of our own is safe to draw in a worker thread.
    matplotlib.rcParams["svg.hashsalt"] = "netwerkkaart"
    fig = Figure(figsize=(form.map_in + form.panel_in, form.map_in), dpi=form.dpi)
    FigureCanvasAgg(fig)
    ruler = _Ruler(fig)
    geo = _geometry(form)
    nodes = list(data.nodes)
    texts = data.texts
    items, sectors, edges, ring_names, name_lines = _plan(data, geo, ruler)
    key = _number(items, nodes, sectors)

    unit = geo.unit
    margin = 24 * unit
    title_pt = form.label_pt * 1.35
    if form.panel == "below":
        panel_w = geo.side
        panel = _Panel(ruler, form, panel_w - 2 * margin)
        title_lines = ruler.wrap(texts.title, title_pt, geo.side - 2 * margin, weight="bold")
        title_h = len(title_lines) * ruler.size("Ag", title_pt, "bold")[1] * 1.25 + 18 * unit
        _fill_panel(panel, data, key if form.key_in_picture else [], columns=True)
        width_px = geo.side
        height_px = title_h + geo.side + 6 * unit + panel.height + margin
        map_top = title_h
        panel_origin = (margin, title_h + geo.side + 6 * unit)
    else:
        panel_w = form.panel_in * form.dpi
        panel = _Panel(ruler, form, panel_w - 2 * margin)
        title_lines = []
        title_h = 0.0
        panel.heading(texts.title, size=title_pt)
        panel.space(0.6)
        _fill_panel(panel, data, key if form.key_in_picture else [], columns=False)
        width_px = geo.side + panel_w
        height_px = max(geo.side, panel.height + 2 * margin)
        map_top = 0.0
        panel_origin = (geo.side + margin * 0.5, margin)
    # On a paper page the picture sits in the middle of the page.
    page_w, page_h = (v * form.dpi for v in form.page_in) if form.page_in else (0.0, 0.0)
    ox, oy = max(0.0, (page_w - width_px) / 2), max(0.0, (page_h - height_px) / 2)
    width_px, height_px = max(width_px, page_w), max(height_px, page_h)
    fig.set_size_inches(width_px / form.dpi, height_px / form.dpi)
    top_left: Transform = (
        Affine2D().scale(1 / form.dpi, -1 / form.dpi).translate(0, height_px / form.dpi)
        + fig.dpi_scale_trans
    )
    for k, line in enumerate(title_lines):
        y = oy + 14 * unit + k * ruler.size("Ag", title_pt, "bold")[1] * 1.25
        fig.text(ox + margin, y, line, fontsize=title_pt, fontweight="bold", ha="left",
                 va="top", color=INK, transform=top_left)  # fmt: skip
    ax = fig.add_axes(
        (ox / width_px, 1 - (oy + map_top + geo.side) / height_px, geo.side / width_px,
         geo.side / height_px)
    )  # fmt: skip
    panel_origin = (panel_origin[0] + ox, panel_origin[1] + oy)
    half = geo.side / 2
    ax.set_xlim(-half, half)
    ax.set_ylim(-half, half)
    ax.set_aspect("equal")
    ax.axis("off")
    result = Layout(fig, [], form, ax, sectors, edges, school_radius=geo.school, key=key)
    _draw_rings(ax, geo, edges, ring_names, result)
    _draw_sectors(ax, geo, sectors, edges, name_lines, result)
    positions = {it.index: it for it in items}
    for a, b in data.links:
        if 0 <= a < len(nodes) and 0 <= b < len(nodes) and a != b:
            result.links.append(_draw_link(ax, positions[a], positions[b], geo))
    for node, item in zip(nodes, sorted(items, key=lambda it: it.index), strict=True):
        result.placed.append(_draw_node(ax, node, item, geo, data.colour_blind))
    ax.add_patch(Circle((0, 0), geo.school * 0.92, facecolor="#FDFEFE", edgecolor="#2C3E50",
                        linewidth=2.2, zorder=5))  # fmt: skip
    ax.text(0, 0, texts.centre, ha="center", va="center", fontsize=form.label_pt * 1.3,
            fontweight="bold", color="#2C3E50", zorder=6)  # fmt: skip
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for p in result.placed:
        if p.label_artist is not None:
            p.label_box = p.label_artist.get_window_extent(renderer)
            pad = 0.15 * geo.label_px
            p.label_box = Bbox(
                [
                    [p.label_box.x0 - pad, p.label_box.y0 - pad],
                    [p.label_box.x1 + pad, p.label_box.y1 + pad],
                ]
            )
    panel.draw(fig, top_left, panel_origin, result)
    return result


def _number(
    items: list[_Item], nodes: list[MapNode], sectors: dict[Category | None, tuple[float, float]]
) -> list[tuple[int, str]]:
    """Numbers in reading order: clockwise from the top, from the school outwards, row by row."""
    order = list(sectors)

    def place(it: _Item) -> tuple[int, int, float, float]:
        node = nodes[it.index]
        return (order.index(node.category), _band(node.distance), -round(it.y), it.x)

    key: list[tuple[int, str]] = []
    for it in sorted((it for it in items if it.numbered), key=place):
        key.append((len(key) + 1, nodes[it.index].label))
        it.text = str(len(key))
    return key


# -- drawing ----------------------------------------------------------------------------------


def _draw_rings(
    ax: Axes,
    geo: _Geometry,
    edges: list[float],
    ring_names: list[tuple[str, tuple[float, float, float, float]]],
    result: Layout,
) -> None:
    shades = ("#F4F6F6", "#FBFCFC", "#F4F6F6", "#FBFCFC", "#F2F3F4", "#FFFFFF")
    for k in reversed(range(len(edges) - 1)):
        style = "-" if k < 5 else ":"
        ax.add_patch(Circle((0, 0), edges[k + 1], facecolor=shades[k], edgecolor="#B3B6B7",
                            linewidth=1.0, linestyle=style, zorder=0))  # fmt: skip
    for name, (x0, _, x1, y1) in ring_names:
        pad = 0.15 * geo.label_px
        result.ring_names.append(
            ax.text((x0 + x1) / 2, y1 - pad, name, ha="center", va="top",
                    fontsize=geo.form.label_pt, color="#566573", style="italic", zorder=8.5,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.75})
        )  # fmt: skip


def _draw_sectors(
    ax: Axes,
    geo: _Geometry,
    sectors: dict[Category | None, tuple[float, float]],
    edges: list[float],
    name_lines: dict[Category, list[str]],
    result: Layout,
) -> None:
    """Dashed sector borders, a light tint per category and its name along the circle."""
    outer = edges[-1]
    for low, _ in sectors.values() if len(sectors) > 1 else ():
        theta = math.radians(low)
        ax.plot([geo.school * math.cos(theta), outer * math.cos(theta)],
                [geo.school * math.sin(theta), outer * math.sin(theta)],
                color="#BFC5CA", linewidth=1.0, linestyle="--", zorder=1)  # fmt: skip
    name_pt = geo.form.label_pt + 0.6
    for category, (low, high) in sectors.items():
        colour = CATEGORY_COLOUR[category or Category.ANDERE]
        ax.add_patch(Wedge((0, 0), outer, low, high, width=outer - geo.school, facecolor=colour,
                           alpha=0.08, edgecolor="none", zorder=0.5))  # fmt: skip
        if category is None:
            continue
        middle = (low + high) / 2
        theta = math.radians(middle)
        upper = math.sin(theta) >= -1e-9
        rotation = (middle - 90) if upper else (middle + 90)
        rotation = (rotation + 180) % 360 - 180
        radius = outer + 6 * geo.unit
        result.sector_names.append(
            ax.text(radius * math.cos(theta), radius * math.sin(theta),
                    "\n".join(name_lines[category]), rotation=rotation, rotation_mode="anchor",
                    ha="center", va="bottom" if upper else "top", multialignment="center",
                    fontsize=name_pt, fontweight="bold", color=GREY, zorder=1, linespacing=1.1)
        )  # fmt: skip


def _draw_link(ax: Axes, a: _Item, b: _Item, geo: _Geometry) -> Line2D:
    """A link as an arc around the school: radius and angle change evenly from a to b."""
    ra, ta = math.hypot(a.x, a.y), math.atan2(a.y, a.x)
    rb, tb = math.hypot(b.x, b.y), math.atan2(b.y, b.x)
    turn = (tb - ta + math.pi) % (2 * math.pi) - math.pi
    steps = 48
    xs, ys = [], []
    for k in range(steps + 1):
        t = k / steps
        # A slight outward bow keeps links between neighbours off the ring lines.
        r = ra + (rb - ra) * t + math.sin(math.pi * t) * 0.04 * abs(turn) * geo.radius
        angle = ta + turn * t
        xs.append(r * math.cos(angle))
        ys.append(r * math.sin(angle))
    (line,) = ax.plot(xs, ys, color="#7F8C8D", linewidth=1.3, alpha=0.75, zorder=2)
    return line


def _draw_node(ax: Axes, node: MapNode, item: _Item, geo: _Geometry, colour_blind: bool) -> Placed:
    x, y = item.x, item.y
    r = item.r
    category = node.category or Category.ANDERE
    placed = Placed(x, y, r, node.label, numbered=item.numbered)
    if node.change == CHANGE_DROPPED:
        # A ghost: where the partner was, without colour or picks.
        ax.add_patch(
            Circle((x, y), r, facecolor="#FDFEFE", edgecolor=GHOST_EDGE, linewidth=1.6,
                   linestyle=(0, (3, 2)), alpha=0.55, zorder=4)
        )  # fmt: skip
    else:
        fill = CATEGORY_COLOUR[category]
        edge = "#555555" if category is Category.ANDERE else "#1B2631"
        ax.add_patch(
            Circle((x, y), r, facecolor=fill, edgecolor=edge,
                   linewidth=2.2 if node.disputed else 1.2,
                   linestyle=(0, (3, 2)) if node.disputed else "-",
                   hatch=CATEGORY_HATCH[category] if colour_blind else None, zorder=4)
        )  # fmt: skip
        if node.change == CHANGE_NEW:
            ax.add_patch(Circle((x, y), r + 3.5 * geo.unit, facecolor="none", edgecolor=NEW_HEX,
                                linewidth=2.8, zorder=3.9))  # fmt: skip
        if node.picks:
            ring, angles = _mark_ring(r, len(node.picks), geo.form.mark_px, item.side)
            roles = sorted(node.picks, key=lambda role: list(Role).index(role))
            for role, angle in zip(roles, angles, strict=True):
                (mark,) = ax.plot(
                    x + ring * math.cos(angle), y + ring * math.sin(angle),
                    marker=ROLE_MARKER[role] if colour_blind else "o", markersize=geo.mark_pt,
                    markerfacecolor=ROLE_HEX[role], markeredgecolor=INK, markeredgewidth=1.0,
                    linestyle="none", zorder=7,
                )  # fmt: skip
                placed.marks.append(mark)
        if node.change in (CHANGE_CLOSER, CHANGE_FURTHER):
            _draw_move(ax, x, y, r, geo, closer=node.change == CHANGE_CLOSER,
                       right=item.side == "left")  # fmt: skip
    pad = 0.15 * geo.label_px
    if item.side == "below":
        anchor, ha, va = (x, y - item.label_dx - pad), "center", "top"
    elif item.side == "left":
        anchor, ha, va = (x - item.label_dx - pad, y), "right", "center"
    else:
        anchor, ha, va = (x + item.label_dx + pad, y), "left", "center"
    placed.label_artist = ax.text(
        *anchor, item.text, fontsize=geo.form.label_pt, ha=ha, va=va, multialignment="left",
        zorder=8, color=INK,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )  # fmt: skip
    return placed


def _draw_move(
    ax: Axes, x: float, y: float, r: float, geo: _Geometry, *, closer: bool, right: bool
) -> None:
    """An arrow beside the node (away from its label), pointing to the school (closer) or away
    from it (further)."""
    distance = math.hypot(x, y) or 1.0
    ux, uy = x / distance, y / distance
    cx, cy = x + (1 if right else -1) * (r + 13 * geo.unit), y
    half = 10 * geo.unit
    sign = -1.0 if closer else 1.0
    start = (cx - sign * ux * half, cy - sign * uy * half)
    end = (cx + sign * ux * half, cy + sign * uy * half)
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10 * geo.unit,
                        linewidth=1.6, color=MOVE_HEX, shrinkA=0, shrinkB=0, zorder=7)
    )  # fmt: skip


# -- the legends ------------------------------------------------------------------------------

_Op = Callable[[Figure, Transform, float, float, Layout], None]


class _Panel:
    """Legends and texts laid out top-down in pixels; drawn once the figure's size is known."""

    def __init__(
        self,
        ruler: _Ruler,
        form: Form,
        width: float,
        x: float = 0.0,
        ops: list[_Op] | None = None,
        y: float = 0.0,
    ) -> None:
        self.ruler, self.form, self.width, self.x = ruler, form, width, x
        self.ops: list[_Op] = [] if ops is None else ops
        self.y = y
        self.pt = form.label_pt
        self.line_h = ruler.size("Ag", self.pt)[1] * 1.28
        self.unit = form.label_pt * form.dpi / 72 / _BASE_LABEL_PX

    @property
    def height(self) -> float:
        return self.y

    def _text(
        self, x: float, y: float, line: str, pt: float, weight: str, style: str, kind: str
    ) -> None:
        baseline = y + _ascent(pt, weight, style, self.form.dpi)

        def op(fig: Figure, transform: Transform, ox: float, oy: float, result: Layout) -> None:
            artist = fig.text(ox + x, oy + baseline, line, fontsize=pt, fontweight=weight,
                              style=style, ha="left", va="baseline", color=INK,
                              transform=transform)  # fmt: skip
            (result.key_texts if kind == "key" else result.panel_texts).append(artist)

        self.ops.append(op)

    def heading(self, text: str, size: float | None = None) -> None:
        pt = size or self.pt * 1.12
        height = self.ruler.size("Ag", pt, "bold")[1] * 1.28
        for line in self.ruler.wrap(text, pt, self.width, weight="bold"):
            self._text(self.x, self.y, line, pt, "bold", "normal", "panel")
            self.y += height
        self.y += 0.15 * self.line_h

    def text(
        self,
        text: str,
        *,
        style: str = "normal",
        indent: float = 0.0,
        kind: str = "panel",
        hang: float = 0.0,
    ) -> None:
        lines = self.ruler.wrap(text, self.pt, self.width - indent - hang)
        for k, line in enumerate(lines):
            self._text(
                self.x + indent + (hang if k else 0.0), self.y, line, self.pt, "normal", style, kind
            )
            self.y += self.line_h

    def row(self, swatch: tuple[Any, ...], text: str) -> None:
        """A legend entry: a small picture, then the text (wrapped beside it)."""
        size = self.line_h * 0.9
        cx, cy = self.x + size / 2, self.y + self.line_h / 2 - 1
        self.ops.append(_swatch(swatch, cx, cy, size, self.form))
        self.text(text, indent=size + 8 * self.unit)

    def space(self, lines: float) -> None:
        self.y += lines * self.line_h

    def split(self, gap: float) -> tuple[_Panel, _Panel]:
        width = (self.width - gap) / 2
        left = _Panel(self.ruler, self.form, width, self.x, self.ops, self.y)
        right = _Panel(self.ruler, self.form, width, self.x + width + gap, self.ops, self.y)
        return left, right

    def join(self, parts: Sequence[_Panel]) -> None:
        self.y = max(part.y for part in parts)

    def key_columns(self, key: list[tuple[int, str]], options: Sequence[int]) -> int:
        """The number of columns that makes the key shortest (the fewest on a tie)."""
        gap = 20 * self.unit
        digits = self.ruler.size("888. ", self.pt)[0]

        def height(columns: int) -> int:
            width = (self.width - gap * (columns - 1)) / columns
            lines = [len(self.ruler.wrap(label, self.pt, width - digits)) for _, label in key]
            per_column = math.ceil(sum(lines) / columns)
            tallest, used, column = 0, 0, 0
            for count in lines:
                if used and used + count > per_column and column < columns - 1:
                    column, used = column + 1, 0
                used += count
                tallest = max(tallest, used)
            return tallest

        return min(options, key=lambda columns: (height(columns), columns))

    def key(self, key: list[tuple[int, str]], columns: int, fill: int = 0) -> None:
        """The numbered names in full, in balanced columns, long names wrapped, never cut."""
        gap = 20 * self.unit
        width = (self.width - gap * (columns - 1)) / columns
        digits = self.ruler.size("888. ", self.pt)[0]
        entries = [(f"{n}.", self.ruler.wrap(label, self.pt, width - digits)) for n, label in key]
        total = sum(len(lines) for _, lines in entries)
        per_column = fill or math.ceil(total / columns)
        column, used, top = 0, 0, self.y
        bottom = self.y
        y = top
        for number, lines in entries:
            if used and used + len(lines) > per_column and column < columns - 1:
                column, used, y = column + 1, 0, top
            x = self.x + column * (width + gap)
            self._text(x, y, number, self.pt, "bold", "normal", "key")
            for line in lines:
                self._text(x + digits, y, line, self.pt, "normal", "normal", "key")
                y += self.line_h
            used += len(lines)
            bottom = max(bottom, y)
        self.y = bottom

    def draw(
        self, fig: Figure, transform: Transform, origin: tuple[float, float], result: Layout
    ) -> None:
        for op in self.ops:
            op(fig, transform, origin[0], origin[1], result)


def _swatch(swatch: tuple[Any, ...], cx: float, cy: float, size: float, form: Form) -> _Op:
    kind = swatch[0]

    def op(fig: Figure, transform: Transform, ox: float, oy: float, result: Layout) -> None:
        x, y = ox + cx, oy + cy
        if kind == "category":
            category, colour_blind = swatch[1], swatch[2]
            hatch = CATEGORY_HATCH[category] if colour_blind else None
            fig.add_artist(Rectangle((x - size / 2, y - size / 2), size, size, transform=transform,
                                     facecolor=CATEGORY_COLOUR[category], edgecolor="#1B2631",
                                     hatch=hatch))  # fmt: skip
            return
        points = size * 72 / form.dpi
        style: dict[str, Any] = {"linestyle": "none", "transform": transform}
        if kind == "role":
            role, colour_blind = swatch[1], swatch[2]
            style |= {
                "marker": ROLE_MARKER[role] if colour_blind else "o",
                "markersize": points,
                "markerfacecolor": ROLE_HEX[role],
                "markeredgecolor": INK,
            }
        elif kind == "disputed":
            style |= {
                "marker": "o",
                "markersize": points,
                "markerfacecolor": "white",
                "markeredgecolor": "#1B2631",
                "markeredgewidth": 2,
            }
        elif kind == "new":
            style |= {
                "marker": "o",
                "markersize": points * 0.9,
                "markerfacecolor": "white",
                "markeredgecolor": NEW_HEX,
                "markeredgewidth": 3,
            }
        elif kind == "dropped":
            style |= {
                "marker": "o",
                "markersize": points * 0.9,
                "markerfacecolor": "#FDFEFE",
                "markeredgecolor": GHOST_EDGE,
                "markeredgewidth": 1.4,
                "alpha": 0.6,
            }
        else:
            style |= {
                "marker": _move_marker(closer=kind == "closer"),
                "markersize": points * 1.3,
                "markerfacecolor": MOVE_HEX,
                "markeredgecolor": MOVE_HEX,
                "markeredgewidth": 0.5,
            }
        fig.add_artist(Line2D([x], [y], **style))

    return op


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


def _fill_panel(panel: _Panel, data: MapData, key: list[tuple[int, str]], *, columns: bool) -> None:
    texts = data.texts
    # Dropped partners of a comparison map are ghosts: the counts are about the current map.
    nodes = [node for node in data.nodes if node.change != CHANGE_DROPPED]
    counts = Counter(node.category for node in nodes)
    gap = 28 * panel.unit
    left, right = panel.split(gap) if columns else (panel, panel)
    left.heading(texts.legend_category)
    for c in Category:
        left.row(
            ("category", c, data.colour_blind),
            f"{texts.categories.get(c, c.value)} ({counts.get(c, 0)})",
        )
    if not columns:
        left.space(0.5)
    right.heading(texts.legend_priority)
    role_names = {r: texts.roles.get(r, r.value) for r in Role}
    role_names[Role.BELEIDSONDERSTEUNER] += ", " + role_names.pop(Role.ANDERE)
    for role, name in role_names.items():
        right.row(("role", role, data.colour_blind), name)
    right.row(("disputed",), texts.disputed)
    if any(node.change for node in data.nodes):
        right.space(0.4)
        right.heading(texts.legend_changes)
        for kind, label in (
            ("new", texts.change_new),
            ("dropped", texts.change_dropped),
            ("closer", texts.change_closer),
            ("further", texts.change_further),
        ):
            right.row((kind,), label)  # fmt: skip
    if columns:
        panel.join([left, right])
    panel.space(0.6)
    rings = Counter(_band(n.distance) for n in nodes)
    ring_parts = [
        f"{texts.distances.get(Distance(b), str(b))}: {rings[b]}" for b in range(5) if rings.get(b)
    ]
    if rings.get(5):
        ring_parts.append(f"{texts.unplaced}: {rings[5]}")
    panel.text(f"{texts.rings_title}: " + ", ".join(ring_parts or ["0"]))
    missing = [texts.categories.get(c, c.value) for c in Category if not counts.get(c)]
    if missing:
        panel.text(f"{texts.missing_title}: " + ", ".join(missing))
    panel.space(0.5)
    panel.heading(texts.priorities_title)
    by_role: dict[Role, Counter[str]] = {}
    for node in nodes:
        for role in node.picks:
            by_role.setdefault(role, Counter())[node.label] += 1
    if not by_role:
        panel.text(texts.no_priorities, indent=8 * panel.unit)
    for role in Role:
        if role in by_role:
            ranked = sorted(by_role[role].items(), key=lambda item: (-item[1], item[0].casefold()))
            picks = ", ".join(f"{label} ({n})" for label, n in ranked)
            panel.row(
                ("role", role, data.colour_blind), f"{texts.roles.get(role, role.value)}: {picks}"
            )
    panel.space(0.3)
    panel.text(texts.patterns, style="italic")
    panel.text(texts.size)
    if key:
        panel.space(0.6)
        panel.heading(texts.key_title)
        options = (2, 3, 4) if columns and len(key) > 8 else (1,)
        panel.key(key, panel.key_columns(key, options))


def render(data: MapData, fmt: str = "png", form: Form = PHONE) -> bytes:
    """The map as PNG (for Telegram), SVG or PDF (for print); same data, same bytes."""
    return render_with_key(data, fmt, form)[0]


def render_with_key(
    data: MapData, fmt: str = "png", form: Form = PHONE
) -> tuple[bytes, list[tuple[int, str]]]:
    """The picture and its numbered key (for a caller that prints the key itself)."""
    result = layout(data, form)
    return _save(result.figure, fmt, form), result.key


def print_pdf(data: MapData, form: Form = PRINT_PAGE) -> bytes:
    """The map on a paper page (A4 landscape, or A3 for the POSTER form) as a vector PDF, the
    numbered key in full on the pages after it."""
    result = layout(data, form)
    figures = [result.figure, *_key_figures(result.key, data.texts, form)]
    buffer = io.BytesIO()
    metadata = {"CreationDate": None, "Creator": None, "Producer": None}
    with PdfPages(buffer, metadata=metadata) as pdf:
        for figure in figures:
            pdf.savefig(figure, dpi=form.dpi)
    return buffer.getvalue()


def poster_pdf(data: MapData) -> bytes:
    """The A3 poster of the map (labels 10.6 pt), to hang up in the staff room."""
    return print_pdf(data, POSTER)


def _key_figures(key: list[tuple[int, str]], texts: MapTexts, form: Form) -> list[Figure]:
    """Pages with the numbered names, in columns, every name in full."""
    page_w, page_h = form.page_in or (form.map_in + form.panel_in, form.map_in)
    figures: list[Figure] = []
    remaining = list(key)
    while remaining:
        fig = Figure(figsize=(page_w, page_h), dpi=form.dpi)
        FigureCanvasAgg(fig)
        ruler = _Ruler(fig)
        margin = 0.55 * form.dpi
        panel = _Panel(ruler, form, page_w * form.dpi - 2 * margin)
        panel.heading(f"{texts.key_title} – {texts.title}")
        panel.space(0.3)
        label_px = form.label_pt * form.dpi / 72
        columns = max(1, int((panel.width + 20 * panel.unit) // (24 * label_px)))
        width = (panel.width - 20 * panel.unit * (columns - 1)) / columns
        digits = ruler.size("888. ", form.label_pt)[0]
        room = int((page_h * form.dpi - 2 * margin - panel.y) / panel.line_h)
        lines = [len(ruler.wrap(label, form.label_pt, width - digits)) for _, label in remaining]
        # Whole entries per column: fill the columns one after the other.
        taken, column, used = 0, 0, 0
        for count in lines:
            if used + count > room:
                column, used = column + 1, 0
                if column >= columns:
                    break
            used += count
            taken += 1
        taken = max(taken, 1)
        chunk, remaining = remaining[:taken], remaining[taken:]
        panel.key(chunk, columns, fill=room)
        panel.draw(fig, _top_left(fig, form), (margin, margin), Layout(fig, [], form))
        figures.append(fig)
    return figures


def _top_left(fig: Figure, form: Form) -> Transform:
    """Pixels from the figure's top-left corner, y downwards."""
    height = fig.get_figheight()
    return Affine2D().scale(1 / form.dpi, -1 / form.dpi).translate(0, height) + fig.dpi_scale_trans


def _save(figure: Figure, fmt: str, form: Form) -> bytes:
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
    figure.savefig(buffer, format=fmt, dpi=form.dpi, metadata=metadata, **extra)
    return buffer.getvalue()
