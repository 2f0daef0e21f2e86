"""The phone picture is legible at the 1280 px Telegram keeps: measured on the drawn artists.

Every figure here comes from the renderer's window extents of the real artists (labels, marks,
ring names, the key), scaled to a picture 1280 px wide, not from the constants in core.render.
"""

from __future__ import annotations

import math

import pytest
from matplotlib.transforms import Bbox

from core.model import Category
from core.render import PHONE, Layout, MapNode, layout
from tests.core.test_render import _data

WIDTH = 1280


def _scale(result: Layout) -> float:
    fig = result.figure
    return WIDTH / (fig.get_figwidth() * fig.dpi)


def _renderer(result: Layout) -> object:
    return result.figure.canvas.get_renderer()  # type: ignore[attr-defined]


def _in_sector(angle: float, low: float, high: float) -> bool:
    return (angle - low) % 360 <= (high - low) + 1e-6


def _corners_in_map(result: Layout, box: Bbox) -> list[tuple[float, float]]:
    assert result.map_axes is not None
    inverse = result.map_axes.transData.inverted()
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]
    return [(float(x), float(y)) for x, y in inverse.transform(corners)]


def _node_box(result: Layout, x: float, y: float, r: float) -> Bbox:
    assert result.map_axes is not None
    (x0, y0), (x1, y1) = result.map_axes.transData.transform([(x - r, y - r), (x + r, y + r)])
    return Bbox([[x0, y0], [x1, y1]])


@pytest.fixture(scope="module", params=[20, 60, 150])
def drawn(request: pytest.FixtureRequest) -> tuple[int, list[MapNode], Layout]:
    data = _data(request.param)
    return request.param, list(data.nodes), layout(data, PHONE)


def test_the_phone_picture_is_portrait_and_1280_px_wide(
    drawn: tuple[int, list[MapNode], Layout],
) -> None:
    _, _, result = drawn
    fig = result.figure
    width, height = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    assert round(width) == WIDTH and height > width
    assert result.map_axes is not None
    # The map fills the width; the legends are below it.
    map_box = result.map_axes.get_window_extent(_renderer(result))  # type: ignore[arg-type]
    assert map_box.width >= 0.99 * width
    for text in result.panel_texts + result.key_texts:
        assert text.get_window_extent(_renderer(result)).y1 <= map_box.y0 + 1  # type: ignore[arg-type]


def test_every_text_is_at_least_14_px_high(drawn: tuple[int, list[MapNode], Layout]) -> None:
    """Labels, numbers, ring names and the key, measured at 1280 px wide."""
    _, _, result = drawn
    renderer = _renderer(result)
    scale = _scale(result)
    labels = [p.label_artist for p in result.placed if p.label_artist is not None]
    assert len(labels) == len(result.placed)
    texts = labels + result.ring_names + result.key_texts + result.panel_texts
    heights = [t.get_window_extent(renderer).height * scale for t in texts]  # type: ignore[arg-type]
    assert min(heights) >= 14, min(heights)


def test_priority_marks_are_at_least_24_px(drawn: tuple[int, list[MapNode], Layout]) -> None:
    count, nodes, result = drawn
    renderer = _renderer(result)
    marks = [mark for p in result.placed for mark in p.marks]
    assert len(marks) == sum(len(n.picks) for n in nodes) > 0
    sizes = [min(m.get_window_extent(renderer).width, m.get_window_extent(renderer).height)  # type: ignore[arg-type]
             * _scale(result) for m in marks]  # fmt: skip
    assert min(sizes) >= 24, (count, min(sizes))


def test_every_label_is_inside_its_own_sector_and_next_to_its_node(
    drawn: tuple[int, list[MapNode], Layout],
) -> None:
    _, nodes, result = drawn
    renderer = _renderer(result)
    out = []
    for p, node in zip(result.placed, nodes, strict=True):
        assert p.label_box is not None
        low, high = result.sectors[node.category]
        angles = [math.degrees(math.atan2(y, x)) for x, y in _corners_in_map(result, p.label_box)]
        if not all(_in_sector(a, low, high) for a in angles):
            out.append(p.label)
        # Next to its node: the label touches the box around the node and its marks.
        near = _node_box(result, p.x, p.y, p.radius)
        for mark in p.marks:
            near = Bbox.union([near, mark.get_window_extent(renderer)])  # type: ignore[arg-type]
        gap_x = max(p.label_box.x0 - near.x1, near.x0 - p.label_box.x1, 0.0)
        gap_y = max(p.label_box.y0 - near.y1, near.y0 - p.label_box.y1, 0.0)
        assert math.hypot(gap_x, gap_y) * _scale(result) <= 12, p.label
        assert not p.label_box.overlaps(near)
    assert out == []


def test_no_label_overlaps_a_label_a_node_a_mark_or_a_ring_name(
    drawn: tuple[int, list[MapNode], Layout],
) -> None:
    _, _, result = drawn
    renderer = _renderer(result)
    boxes = [p.label_box for p in result.placed]
    nodes = [_node_box(result, p.x, p.y, p.radius) for p in result.placed]
    marks = [m.get_window_extent(renderer) for p in result.placed for m in p.marks]  # type: ignore[arg-type]
    rings = [t.get_window_extent(renderer) for t in result.ring_names]  # type: ignore[arg-type]
    overlaps = 0
    for i, box in enumerate(boxes):
        assert box is not None
        overlaps += sum(box.overlaps(other) for other in boxes[i + 1 :] if other is not None)
        overlaps += sum(box.overlaps(node) for node in nodes)
        overlaps += sum(box.overlaps(mark) for mark in marks)
    covered = sum(
        ring.overlaps(other)
        for ring in rings
        for other in [*boxes, *nodes, *marks]
        if other is not None
    )
    assert (overlaps, covered) == (0, 0)
    # Every ring has its name, whole, inside the picture.
    assert {t.get_text() for t in result.ring_names} >= {"0", "1", "2", "3", "4"} or len(rings) >= 5


def test_the_key_names_every_numbered_partner_in_full(
    drawn: tuple[int, list[MapNode], Layout],
) -> None:
    count, _, result = drawn
    numbered = [p for p in result.placed if p.numbered]
    if count >= 83:
        assert len(numbered) == count
    assert [label for _, label in result.key] == sorted(
        (p.label for p in numbered), key=[label for _, label in result.key].index
    )
    written = " ".join(t.get_text() for t in result.key_texts)
    for number, label in result.key:
        assert all(word in written for word in label.split()), label
        assert f"{number}." in written
    assert "…" not in written
    fig_width = result.figure.get_figwidth() * result.figure.dpi
    for text in result.key_texts + result.panel_texts:
        box = text.get_window_extent(_renderer(result))  # type: ignore[arg-type]
        assert box.x0 >= 0 and box.x1 <= fig_width
    # Every number on the map is in the key.
    assert sorted(int(p.label_artist.get_text()) for p in numbered if p.label_artist) == [
        n for n, _ in result.key
    ]


def test_the_priority_panel_lists_every_pick(drawn: tuple[int, list[MapNode], Layout]) -> None:
    _, nodes, result = drawn
    panel = " ".join(t.get_text() for t in result.panel_texts)
    assert "(+" not in panel and "…" not in panel
    for node in nodes:
        if node.picks:
            assert all(word in panel for word in node.label.split())


def test_links_go_around_the_school(drawn: tuple[int, list[MapNode], Layout]) -> None:
    _, _, result = drawn
    assert result.links
    for line in result.links:
        xs, ys = line.get_xdata(), line.get_ydata()
        nearest = min(math.hypot(float(x), float(y)) for x, y in zip(xs, ys, strict=True))  # type: ignore[arg-type]
        assert nearest > result.school_radius


def test_a_category_sector_holds_only_its_own_nodes() -> None:
    data = _data(60)
    result = layout(data)
    for p, node in zip(result.placed, data.nodes, strict=True):
        low, high = result.sectors[node.category]
        assert _in_sector(math.degrees(math.atan2(p.y, p.x)), low, high)
    assert Category.ZORG in result.sectors
