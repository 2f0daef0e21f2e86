"""Benchmarks for the map: render and merge time as ratios to a baseline in the same run.

Run: .venv/bin/python bench/map_bench.py
- render: core.render.render (PNG) vs a bare networkx.draw_networkx of the same graph, saved
  as PNG at the same size and dpi. Goal: ratio <= 3.
- merge: core.merge.merge of 10 members x 50 names vs grouping the same names by casefold().
Not a test: it prints figures; the numbers depend on the machine, the ratios much less.
"""

from __future__ import annotations

import io
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
from core.render import SIZES, MapData, MapNode, MapTexts, render

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


def _bare_networkx(data: MapData) -> bytes:
    graph = nx.Graph()
    graph.add_node("school")
    for i, node in enumerate(data.nodes):
        graph.add_edge("school", i)
        graph.nodes[i]["label"] = node.label
    graph.add_edges_from(data.links)
    fig = Figure(figsize=(16, 11.5), dpi=SIZES["png_dpi"])
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = {n: graph.nodes[n].get("label", n) for n in graph}
    nx.draw_networkx(graph, pos=nx.shell_layout(graph), ax=ax, labels=labels, font_size=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=SIZES["png_dpi"])
    return buffer.getvalue()


def _time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print the render and merge ratios."""
    print("render (median of 3)         ours      bare networkx   ratio   goal <= 3")
    for count in (20, 60, 150):
        data = _data(count)
        ours = _time(lambda data=data: render(data), 3)
        bare = _time(lambda data=data: _bare_networkx(data), 3)
        print(
            f"  {count:4d} partners        {ours:7.2f} s   {bare:7.2f} s       {ours / bare:5.2f}"
        )
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
