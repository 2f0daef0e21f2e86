"""Benchmarks for the map: render and merge time as ratios to a baseline in the same run.

Run: .venv/bin/python bench/map_bench.py
- render: core.render.render (the phone PNG) vs a bare networkx.draw_networkx of the same
  graph, saved as PNG at the same size and dpi. Goal: ratio <= 3.
- legibility of the phone picture at 1280 px wide, measured on the drawn artists: the
  smallest label, the smallest priority mark, numbered partners, overlapping boxes and labels
  outside their sector.
- merge: core.merge.merge of 10 members x 50 names vs grouping the same names by casefold().
Not a test: it prints figures; the numbers depend on the machine, the ratios much less.
"""

from __future__ import annotations

import io
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib
import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.merge import Mention, merge
from core.model import Category, Distance, Role
from core.render import Layout, MapData, MapNode, MapTexts, layout, render

matplotlib.use("Agg")
WORDS = ["CLB", "ouders", "academie", "bibliotheek", "stad", "hogeschool", "netwerk",
         "begeleiding", "dienst", "centrum", "welzijn", "sport", "jeugd", "museum",
         "kinderopvang"]  # fmt: skip


def _data(count: int) -> MapData:
    rnd = random.Random(count)
    nodes = [
        MapNode(f"{rnd.choice(WORDS).capitalize()} {rnd.choice(WORDS)} {i}",
                rnd.choice(list(Category)), rnd.choice(list(Distance)), rnd.randint(1, 6),
                rnd.random() < 0.2, (rnd.choice(list(Role)),) if i < 10 else ())
        for i in range(count)
    ]  # fmt: skip
    links = [(rnd.randrange(count), rnd.randrange(count)) for _ in range(count // 4)]
    return MapData(nodes, links, MapTexts(title="Benchmark"))


def _bare_networkx(data: MapData, size: tuple[float, float], dpi: float) -> bytes:
    graph = nx.Graph()
    graph.add_node("school")
    for i, node in enumerate(data.nodes):
        graph.add_edge("school", i)
        graph.nodes[i]["label"] = node.label
    graph.add_edges_from(data.links)
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = {n: graph.nodes[n].get("label", n) for n in graph}
    nx.draw_networkx(graph, pos=nx.shell_layout(graph), ax=ax, labels=labels, font_size=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def legibility(result: Layout, nodes: list[MapNode]) -> dict[str, float]:
    """What a reader of the 1280 px picture gets, measured on the drawn artists."""
    fig = result.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    scale = 1280 / (fig.get_figwidth() * fig.dpi)
    labels = [p.label_artist for p in result.placed if p.label_artist is not None]
    boxes = [p.label_box for p in result.placed if p.label_box is not None]
    marks = [m.get_window_extent(renderer) for p in result.placed for m in p.marks]
    rings = [t.get_window_extent(renderer) for t in result.ring_names]
    assert result.map_axes is not None
    inverse = result.map_axes.transData.inverted()
    outside = 0
    for p, node in zip(result.placed, nodes, strict=True):
        low, high = result.sectors[node.category]
        box = p.label_box
        assert box is not None
        corners = inverse.transform([(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1),
                                     (box.x1, box.y1)])  # fmt: skip
        angles = [math.degrees(math.atan2(y, x)) for x, y in corners]
        outside += not all((a - low) % 360 <= high - low + 1e-6 for a in angles)
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    overlaps += sum(a.overlaps(m) for a in boxes for m in marks)
    return {
        "label_px": min(t.get_window_extent(renderer).height for t in labels) * scale,
        "mark_px": min((min(m.width, m.height) for m in marks), default=0.0) * scale,
        "numbered": sum(p.numbered for p in result.placed),
        "overlaps": overlaps,
        "rings_covered": sum(r.overlaps(b) for r in rings for b in [*boxes, *marks]),
        "outside": outside,
    }


def main() -> None:
    """Print the render ratios, the legibility figures and the merge ratio."""
    print("render (median of 3)         ours      bare networkx   ratio   goal <= 3")
    for count in (20, 60, 150):
        data = _data(count)
        fig = layout(data).figure
        size, dpi = (fig.get_figwidth(), fig.get_figheight()), fig.dpi
        ours = _time(lambda data=data: render(data), 3)
        bare = _time(lambda data=data, size=size, dpi=dpi: _bare_networkx(data, size, dpi), 3)
        print(
            f"  {count:4d} partners        {ours:7.2f} s   {bare:7.2f} s       {ours / bare:5.2f}"
        )
    print("legibility at 1280 px wide   label px  mark px  numbered  overlaps  rings covered"
          "  outside sector")  # fmt: skip
    for count in (20, 60, 83, 150):
        data = _data(count)
        f = legibility(layout(data), list(data.nodes))
        print(f"  {count:4d} partners        {f['label_px']:7.1f}  {f['mark_px']:7.1f}"
              f"  {f['numbered']:8.0f}  {f['overlaps']:8.0f}  {f['rings_covered']:13.0f}"
              f"  {f['outside']:14.0f}")  # fmt: skip
    rnd = random.Random(1)
    mentions = [
        Mention(i, i // 50, Role.LERAAR,
                f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}{'s' if rnd.random() < 0.3 else ''}")
        for i in range(500)
    ]  # fmt: skip
    ours = _time(lambda: merge(mentions), 5)
    base = _time(lambda: {m.text.casefold(): m for m in mentions}, 5)
    print("merge 10 members x 50 names   ours      casefold grouping   ratio")
    pad = " " * 30
    print(f"{pad}{ours * 1000:7.1f} ms {base * 1000:7.3f} ms   {ours / base:8.0f}")


if __name__ == "__main__":
    main()
