"""Printable one-pagers, no Telegram: the member check's QR code and A4 poster, and the guide
for the gespreksleider. Every word comes from the caller (the prompts), like core/report.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

from .report import _FONT, _register_fonts

ACCENT = colors.HexColor("#1F4E79")
GREY = colors.HexColor("#555555")


def qr_png(url: str, *, box: int = 12) -> bytes:
    """The link as a QR code PNG (black on white, a quiet zone of four modules)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Poster:
    """The words on the staff-room poster."""

    title: str
    headline: str
    lines: tuple[str, ...]
    scan: str
    url: str
    footer: str


def _style(name: str, size: float, *, bold: bool = False, **extra: object) -> ParagraphStyle:
    font = f"{_FONT}-Bold" if bold else _FONT
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35, **extra)


def poster_pdf(poster: Poster, png: bytes) -> bytes:
    """An A4 poster: what it is, how long it takes, that it is anonymous, and the QR code."""
    _register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm,
        bottomMargin=2 * cm, title=poster.title, author="Netwerkkaart-bot",
    )  # fmt: skip
    centred = {"alignment": TA_CENTER}
    story: list[object] = [
        Paragraph(escape(poster.title), _style("t", 16, textColor=GREY, **centred)),
        Spacer(1, 0.4 * cm),
        Paragraph(escape(poster.headline), _style("h", 28, bold=True, textColor=ACCENT, **centred)),
        Spacer(1, 0.6 * cm),
    ]
    for line in poster.lines:
        story.append(Paragraph(escape(line), _style("p", 15, spaceAfter=8, **centred)))
    story.append(Spacer(1, 0.5 * cm))
    story.append(Paragraph(escape(poster.scan), _style("s", 14, bold=True, **centred)))
    story.append(Spacer(1, 0.3 * cm))
    story.append(Image(io.BytesIO(png), width=9 * cm, height=9 * cm))
    story.append(Spacer(1, 0.3 * cm))
    story.append(Paragraph(escape(poster.url), _style("u", 10, textColor=GREY, **centred)))
    story.append(Spacer(1, 0.6 * cm))
    story.append(Paragraph(escape(poster.footer), _style("f", 12, **centred)))
    doc.build(story)
    return out.getvalue()


def guide_pdf(title: str, intro: str, sections: list[tuple[str, str]], footer: str) -> bytes:
    """The guide on one A4 page: a title, a short introduction, then heading + text per part."""
    _register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.5 * cm,
        bottomMargin=1.5 * cm, title=title, author="Netwerkkaart-bot",
    )  # fmt: skip
    story: list[object] = [
        Paragraph(escape(title), _style("t", 17, bold=True, textColor=ACCENT, spaceAfter=6)),
        Paragraph(escape(intro), _style("i", 9.5, spaceAfter=6)),
    ]
    for heading, text in sections:
        story.append(Paragraph(escape(heading), _style("h", 10.5, bold=True, textColor=ACCENT,
                                                       spaceBefore=4, spaceAfter=1)))  # fmt: skip
        story.append(Paragraph(escape(text), _style("p", 9.2, spaceAfter=2)))
    story.append(Spacer(1, 0.3 * cm))
    story.append(Paragraph(escape(footer), _style("f", 8, textColor=GREY)))
    doc.build(story)
    return out.getvalue()
