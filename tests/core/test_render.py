"""The map picture: readable, within Telegram's limits, deterministic, no overlapping labels."""

from __future__ import annotations

import random
import struct

import pytest

from core.model import Category, Distance, Role
from core.render import FULL_LABELS_UP_TO, MapData, MapNode, MapTexts, layout, render

NAMES = [
    "CLB", "Ouders", "Ondersteuningsnetwerk", "Pedagogische begeleidingsdienst",
    "Scholengemeenschap", "Academie voor Muziek en Woord", "Bibliotheek", "Stad Gent",
    "Logopedist", "CGG", "Hogeschool Gent", "Universiteit Gent", "Kinderopvang 't Vlindertje",
    "Crèche Élise", "Sportdienst", "Jeugdwerk", "Revalidatiecentrum", "OKAN", "Buurtwerk",
]  # fmt: skip


def _data(count: int, seed: int = 7, colour_blind: bool = False) -> MapData:
    rnd = random.Random(seed)
    nodes = []
    for i in range(count):
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i // len(NAMES) + 1}")
        nodes.append(
            MapNode(
                name,
                rnd.choice([*Category, None]),
                rnd.choice([*Distance, None]),
                mentions=rnd.randint(1, 6),
                disputed=rnd.random() < 0.2,
                picks=(rnd.choice(list(Role)),) if i < 8 else (),
            )
        )
    links = [(rnd.randrange(count), rnd.randrange(count)) for _ in range(count // 4)]
    texts = MapTexts(title="Netwerkkaart – Basisschool De Linde – ronde 1 – 22-11-2026")
    return MapData(nodes, links, texts, colour_blind=colour_blind)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


@pytest.mark.parametrize("count", [1, 5, 20, 60, 150])
def test_labels_never_overlap_each_other_or_nodes(count: int) -> None:
    """Every label is placed, inside the map, touching no other label and no node."""
    result = layout(_data(count))
    ax = result.figure.axes[0]
    boxes = [p.label_box for p in result.placed]
    assert all(box is not None for box in boxes)
    nodes = []
    for p in result.placed:
        (x0, y0), (x1, y1) = ax.transData.transform(
            [(p.x - p.radius, p.y - p.radius), (p.x + p.radius, p.y + p.radius)]
        )
        nodes.append((x0, y0, x1, y1))
    for i, box in enumerate(boxes):
        assert box is not None
        for j, other in enumerate(boxes[i + 1 :], start=i + 1):
            assert other is not None and not box.overlaps(other), (i, j)
        for x0, y0, x1, y1 in nodes:
            assert not (box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1)
    if count <= FULL_LABELS_UP_TO:
        # Up to this size, most labels are written out in full (a few in a crowded corner of
        # this random map get a number).
        assert sum(p.numbered for p in result.placed) <= count // 5


def test_nodes_never_overlap() -> None:
    """Even 150 partners in few categories keep apart."""
    result = layout(_data(150))
    placed = result.placed
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            gap = ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5
            assert gap >= 0.9 * (a.radius + b.radius) - 0.02


def test_same_data_gives_the_same_bytes() -> None:
    """Rendering is deterministic: same input, byte-identical PNG and SVG."""
    assert render(_data(20)) == render(_data(20))
    assert render(_data(20), "svg") == render(_data(20), "svg")


def test_png_fits_telegram_photo_limits() -> None:
    """The photo stays under 10 MB and width + height under 10,000 px."""
    png = render(_data(150))
    width, height = _png_size(png)
    assert len(png) < 10 * 1024 * 1024
    assert width + height <= 10000
    assert min(width, height) >= 1000  # readable when zoomed on a phone


def test_print_formats() -> None:
    """SVG and PDF of the same map exist for print."""
    assert render(_data(5), "svg").lstrip().startswith(b"<?xml")
    assert render(_data(5), "pdf").startswith(b"%PDF")
    with pytest.raises(ValueError):
        render(_data(5), "gif")


def test_dutch_diacritics_are_drawn() -> None:
    """Labels like 'Crèche Élise' are drawn with their accents: the map's font has the glyphs."""
    from matplotlib import font_manager

    render(_data(15))

    font = font_manager.get_font(font_manager.findfont("DejaVu Sans"))
    assert all(font.get_char_index(ord(ch)) for ch in "èÉëïöüé")


def test_colour_blind_mode_changes_the_picture() -> None:
    """The colour-blind-safe setting adds shapes and patterns: a different picture."""
    assert render(_data(10)) != render(_data(10, colour_blind=True))


def test_an_empty_map_renders() -> None:
    """Before anyone named a partner, the map shows the school and the rings."""
    assert _png_size(render(MapData([])))[0] > 0
