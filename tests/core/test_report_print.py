"""The report on paper: the map alone on a landscape page with labels of at least 7 pt, its
numbered key after it, no near-empty title page and no heading left alone at a page's foot.

Measured in the PDF itself: page sizes from /MediaBox, the map's drawn size from the image
placement in the page's content stream, the labels from the drawn picture's artists.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import re
import zlib

import pytest

from core.merge import Mention
from core.model import Role
from core.render import POSTER, PRINT, layout, poster_pdf, print_pdf, render_with_key
from core.report import ReportData, Words, to_pdf
from core.teammap import build
from tests.core.test_render import _data

PORTRAIT = (595.2756, 841.8898)
LANDSCAPE = (841.8898, 595.2756)


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def _image_widths(pdf: bytes) -> list[float]:
    """Widths (pt) at which images are drawn: 'w 0 0 h x y cm /Name Do' in the content."""
    widths = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        content = raw
        try:
            body = raw.strip().removeprefix(b"<~").removesuffix(b"~>")
            content = zlib.decompress(base64.a85decode(body))
        except ValueError:
            with contextlib.suppress(zlib.error):
                content = zlib.decompress(raw)
        for match in re.finditer(
            rb"([\d.]+) 0 0 ([\d.]+) [-\d.]+ [-\d.]+ cm\s*/([\w.]+) Do", content
        ):
            widths.append(float(match.group(1)))
    return widths


def _report(count: int) -> tuple[bytes, list[tuple[int, str]], int, int]:
    data = _data(count)
    mentions = [
        Mention(i, i % 6, Role.LERAAR, node.label, None, node.category, node.distance)
        for i, node in enumerate(data.nodes)
    ]
    png, key = render_with_key(data, "png", PRINT)
    report = ReportData("De Linde", 1, "22-11-2026", ["Deelnemer 1 (leraar)"], build(mentions),
                        b"", print_png=png, map_key=key, print_dpi=PRINT.dpi)  # fmt: skip
    trace: list[tuple[int, str]] = []
    pdf = to_pdf(report, Words({}), trace)
    width_px = int.from_bytes(png[16:20], "big")
    return pdf, trace, width_px, len(key)


@pytest.mark.parametrize("count", [20, 60])
def test_the_map_has_a_landscape_page_of_its_own_with_labels_of_7_pt(count: int) -> None:
    pdf, trace, width_px, keyed = _report(count)
    pages = _pages(pdf)
    (map_page,) = {page for page, kind in trace if kind == "map"}
    assert pages[map_page - 1] == pytest.approx(LANDSCAPE, abs=0.01)
    assert all(size == pytest.approx(PORTRAIT, abs=0.01) for k, size in enumerate(pages, 1)
               if k != map_page)  # fmt: skip
    # Nothing else on the map's page.
    assert [kind for page, kind in trace if page == map_page] == ["map"]
    # Its drawn width against the picture's own print width gives the labels' size on paper.
    (drawn,) = _image_widths(pdf)
    scale = drawn / (width_px * 72 / PRINT.dpi)
    picture = layout(_data(count), PRINT)
    smallest = min(p.label_artist.get_fontsize() for p in picture.placed if p.label_artist)
    assert smallest * scale >= 7.0, smallest * scale
    # The numbered key follows the map.
    if keyed:
        assert (map_page + 1, "key") in trace


def test_no_near_empty_title_page_and_no_orphaned_heading() -> None:
    _, trace, _, _ = _report(60)
    assert trace[0] == (1, "title")
    assert sum(1 for page, _ in trace if page == 1) >= 6  # the title page has content
    for (page, kind), (next_page, _) in itertools.pairwise(trace):
        if kind in ("h1", "h2", "h3"):
            assert next_page == page, (page, kind)


@pytest.mark.parametrize("count", [60, 150])
def test_the_a3_poster_and_the_a4_export(count: int) -> None:
    """The poster is an A3 landscape page (labels over 10.5 pt), its key on A3 pages after it; the
    export's PDF is the same on A4 landscape."""
    data = _data(count)
    poster = poster_pdf(data)
    pages = _pages(poster)
    assert pages[0] == pytest.approx((16.54 * 72, 11.69 * 72), abs=0.5)
    assert all(p == pages[0] for p in pages)
    picture = layout(data, POSTER)
    assert min(p.label_artist.get_fontsize() for p in picture.placed if p.label_artist) >= 10.5
    assert (len(pages) > 1) == bool(picture.key)
    a4 = _pages(print_pdf(data))
    assert a4[0] == pytest.approx((11.69 * 72, 8.27 * 72), abs=0.5)
