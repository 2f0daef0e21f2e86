"""The team's findings document (PROTOCOL.md Appendix B) as Markdown and as PDF (no Telegram).

The structure follows the research's school reports: profile, conceptualisation (what?), actor
inventory (who?) with the map, priorities, distance and absences, motives (why?), preconditions
(how?), outcomes (to what end?), over-represented partners, metaphors and closing answers, and
what to do next. Every word comes from `words` (supplied by the caller from the prompts), so
this module stays free of the bot and of the language files.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .cards import CARDS, PHASES
from .model import Category, Distance, Role
from .notes import STEP_ITEMS, Item
from .teammap import TeamMap

# Reproducible PDFs: no timestamps or random ids in the file.
rl_config.invariant = 1


@dataclass(frozen=True)
class Entry:
    """One answer and who gave it ('Deelnemer 2 (leraar)')."""

    who: str
    text: str


@dataclass
class ReportData:
    """Everything the findings document shows."""

    school: str
    round_number: int
    date: str
    participants: list[str]
    team_map: TeamMap
    map_png: bytes
    intro: dict[str, list[Entry]] = field(default_factory=dict)
    deep: list[tuple[str, dict[str, list[Entry]]]] = field(default_factory=list)
    closing: dict[str, list[Entry]] = field(default_factory=dict)
    absences: list[tuple[str, str, str]] = field(default_factory=list)
    metaphors: list[str] = field(default_factory=list)
    # Agreed next steps, one line each (what, partner, function, date, status): no names.
    commitments: list[str] = field(default_factory=list)
    # The roles at least three participants share (None: name every role); the others' picks
    # are counted together, never under their role.
    shown_roles: frozenset[Role] | None = None
    # The team's own notes by core.notes.Item value (aim, a conclusion per step, reflection).
    notes: dict[str, str] = field(default_factory=dict)
    # The second look (step 2B): partners it added, and the disputed partners the team moved
    # as (label, "distance" | "category", value before, value after).
    look_added: list[str] = field(default_factory=list)
    look_moved: list[tuple[str, str, str, str]] = field(default_factory=list)
    had_look: bool = False
    # The map for paper (core.render.PRINT, landscape) and the names behind its numbers.
    print_png: bytes = b""
    map_key: list[tuple[int, str]] = field(default_factory=list)
    print_dpi: float = 200.0


class Words:
    """Headings and labels in the team's language, with a visible fallback for a missing key."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = mapping

    def __call__(self, key: str, **fields: object) -> str:
        template = self._mapping.get(key, key)
        return template.format(**fields) if fields else template


# -- the content, once, for both formats ------------------------------------------------------


@dataclass
class Block:
    """A piece of the document: a heading, a paragraph, a list, the map, or a page break."""

    kind: str  # "h1" | "h2" | "h3" | "p" | "item" | "map" | "page" | "quote"
    text: str = ""


def blocks(data: ReportData, words: Words) -> list[Block]:
    """The document as an ordered list of blocks (shared by Markdown and PDF)."""
    out: list[Block] = []
    add = out.append
    team_map = data.team_map
    add(Block("title", words("report.title", school=data.school)))
    add(Block("p", words("report.subtitle", number=data.round_number, date=data.date)))

    add(Block("h1", words("report.profile")))
    add(Block("p", words("report.participants", count=len(data.participants))))
    for line in data.participants:
        add(Block("item", line))

    add(Block("h1", words("report.what")))
    for qid in ("INTRO.Q1", "INTRO.Q2"):
        add(Block("h3", words(qid)))
        _entries(out, data.intro.get(qid, []), words)

    add(Block("h1", words("report.who")))
    add(Block("map"))
    nodes = team_map.nodes
    for category in (*Category,):
        members = [i for i, n in enumerate(nodes) if n.category is category]
        add(Block("h3", words(f"category.{category.value}")))
        if not members:
            add(Block("p", words("report.not_discussed")))
            continue
        for i in members:
            node = nodes[i]
            ring = words(f"distance.{int(node.distance)}") if node.distance is not None else "–"
            add(Block("item", words("report.partner_line", label=node.label, ring=ring,
                                    mentions=node.mention_count)))  # fmt: skip
    unplaced = [n.label for n in nodes if n.category is None]
    if unplaced:
        add(Block("h3", words("report.no_category")))
        add(Block("p", ", ".join(unplaced)))

    add(Block("h2", words("report.priorities")))
    by_role: dict[Role, Counter[str]] = {}
    for i, node in enumerate(nodes):
        for role in team_map.picks[i]:
            by_role.setdefault(role, Counter())[node.label] += 1
    if not by_role:
        add(Block("p", words("report.no_priorities")))
    # A role fewer than three share is not named: its picks count under the other functions.
    hidden: Counter[str] = Counter()
    for role in Role:
        if role in by_role and data.shown_roles is not None and role not in data.shown_roles:
            hidden.update(by_role.pop(role))
    for role in Role:
        if role in by_role:
            picks = ", ".join(f"{label} ({n})" for label, n in by_role[role].most_common())
            add(Block("item", f"{words(f'role.{role.value}')}: {picks}"))
    if hidden:
        picks = ", ".join(f"{label} ({n})" for label, n in hidden.most_common())
        add(Block("item", f"{words('report.other_roles')}: {picks}"))
    reasons = [(nodes[i].label, r) for i in range(len(nodes)) for r in team_map.reasons[i]]
    for label, reason in reasons:
        add(Block("quote", f"{label}: {reason}"))

    add(Block("h2", words("report.distance")))
    for distance in Distance:
        labels = [n.label for n in nodes if n.distance is distance]
        if labels:
            add(Block("item", f"{words(f'distance.{int(distance)}')}: {', '.join(labels)}"))
    disputed = [n.label for n in nodes if n.disputed]
    if disputed:
        add(Block("p", words("report.disputed", names=", ".join(disputed))))

    _second_look(out, data, words)

    add(Block("h2", words("report.absences")))
    absent = [n.label for n in nodes if n.distance is Distance.AFWEZIG]
    if absent:
        add(Block("p", words("report.felt_absent", names=", ".join(absent))))
    for what, why, steps in data.absences:
        add(Block("item", words("report.absence", what=what, why=why or "–", steps=steps or "–")))
    if not absent and not data.absences:
        add(Block("p", words("report.no_absences")))

    for phase, heading in zip(
        PHASES, ("report.why", "report.how", "report.to_what_end"), strict=True
    ):
        add(Block("h1", words(heading)))
        found = False
        for partner, cards in data.deep:
            phase_cards = [c for c in CARDS if c.phase == phase and cards.get(c.id)]
            if not phase_cards:
                continue
            found = True
            add(Block("h2", partner))
            for card in phase_cards:
                add(Block("h3", words(f"card.{card.id}")))
                _entries(out, cards[card.id], words)
        if not found:
            add(Block("p", words("report.not_discussed")))

    add(Block("h1", words("report.over_represented")))
    ranked = sorted(nodes, key=lambda n: (-n.mention_count, n.label.casefold()))[:10]
    add(Block("p", ", ".join(f"{n.label} ({n.mention_count})" for n in ranked) or "–"))
    _entries(out, data.closing.get("CLOSE.Q5", []), words)

    add(Block("h1", words("report.closing")))
    # Each answer appears once: the metaphors are the answers to CLOSE.Q1, Q5 stood above.
    for qid in (f"CLOSE.Q{n}" for n in (1, 2, 3, 4, 6, 7)):
        add(Block("h3", words(qid)))
        if qid == "CLOSE.Q1" and data.closing.get(qid):
            add(Block("p", words("report.metaphor_intro")))
        _entries(out, data.closing.get(qid, []), words)

    out.extend(commitment_blocks(data.commitments, words))
    out += conclusion_blocks(data, words)
    out += reflection_blocks(data, words)

    add(Block("h1", words("report.next")))
    for key in ("report.next_1", "report.next_2", "report.next_3", "report.next_4"):
        add(Block("item", words(key)))
    out += origin_blocks(words)
    return out


def commitment_blocks(lines: list[str], words: Words) -> list[Block]:
    """The agreed next steps, when the team made any: a heading and one item per commitment."""
    if not lines:
        return []
    return [
        Block("h1", words("report.agreed.title")),
        Block("p", words("report.agreed.intro")),
        *(Block("item", line) for line in lines),
    ]


def conclusion_blocks(data: ReportData, words: Words) -> list[Block]:
    """'Schoolspecifieke conclusie': what the team wanted from the conversation (INTRO.I1),
    then what it took from each shared step, as the facilitator or note taker recorded it."""
    out = [Block("h1", words("report.team.conclusion"))]
    aim = data.notes.get(Item.AIM.value, "").strip()
    if aim:
        out.append(Block("h3", words("report.team.aim")))
        out.append(Block("p", aim))
    steps = [(item, data.notes.get(item.value, "").strip()) for item in STEP_ITEMS]
    steps = [(item, text) for item, text in steps if text]
    for item, text in steps:
        out.append(Block("h3", words(f"report.team.item_{item.value}")))
        out.append(Block("p", text))
    if not aim and not steps:
        out.append(Block("p", words("report.team.no_conclusion")))
    return out


def reflection_blocks(data: ReportData, words: Words) -> list[Block]:
    """'Reflectie op de werkvorm': how the round ran, and how the team experienced it (the
    facilitator's answer to the closing question at /afronden)."""
    out = [Block("h1", words("report.team.reflection"))]
    out.append(Block("p", words("report.team.method", count=len(data.participants))))
    reflection = data.notes.get(Item.REFLECTION.value, "").strip()
    out.append(Block("p", reflection or words("report.team.no_reflection")))
    return out


def origin_blocks(words: Words) -> list[Block]:
    """Where the tool comes from, credited as the tool itself does (002, 'Meer weten?')."""
    return [
        Block("h1", words("report.team.origin")),
        Block("p", words("report.team.origin_text")),
        Block("p", words("report.team.origin_link")),
    ]


def _second_look(out: list[Block], data: ReportData, words: Words) -> None:
    """What the team added and moved when it looked at the merged map again (if it did)."""
    if not data.had_look:
        return
    out.append(Block("h2", words("look.report.heading")))
    if data.look_added:
        out.append(Block("p", words("look.report.added", names=", ".join(data.look_added))))
    for label, field_name, before, after in data.look_moved:
        prefix = "category" if field_name == "category" else "distance"
        out.append(Block("item", words("look.report.moved", name=label,
                                       before=words(f"{prefix}.{before}"),
                                       after=words(f"{prefix}.{after}"))))  # fmt: skip
    if not data.look_moved:
        out.append(Block("p", words("look.report.nothing")))


def _entries(out: list[Block], entries: list[Entry], words: Words) -> None:
    if not entries:
        out.append(Block("p", words("report.no_answers")))
    for entry in entries:
        out.append(Block("item", f"{entry.who}: {entry.text}"))


# -- Markdown ---------------------------------------------------------------------------------


def to_markdown(data: ReportData, words: Words) -> str:
    """The findings document as Markdown (the map as a reference to the PNG beside it)."""
    lines: list[str] = []
    for block in blocks(data, words):
        text = block.text.replace("\n", "  \n")
        if block.kind == "title":
            lines += [f"# {text}", ""]
        elif block.kind == "h1":
            lines += [f"## {text}", ""]
        elif block.kind == "h2":
            lines += [f"### {text}", ""]
        elif block.kind == "h3":
            lines += [f"#### {text}", ""]
        elif block.kind == "item":
            lines.append(f"- {text}")
        elif block.kind == "quote":
            lines += [f"> {text}", ""]
        elif block.kind == "map":
            lines += [f"![{words('report.map_alt')}](netwerkkaart.png)", ""]
        elif block.kind == "p":
            lines += ["", text, ""]
    return "\n".join(_tidy(lines)) + "\n"


def _tidy(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        if line.startswith("- ") and out and out[-1] and not out[-1].startswith("- "):
            out.append("")
        out.append(line)
    return out


# -- PDF --------------------------------------------------------------------------------------

_FONT = "NetwerkkaartSans"


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(f"{_FONT}-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(f"{_FONT}-Italic", str(folder / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily(
        _FONT, normal=_FONT, bold=f"{_FONT}-Bold", italic=f"{_FONT}-Italic"
    )


# Page margins; the map's landscape page keeps its footer below the frame.
_MARGIN = 2 * cm
_LANDSCAPE_MARGIN = 1.1 * cm
_LANDSCAPE_BOTTOM = 1.7 * cm


def to_pdf(data: ReportData, words: Words, trace: list[tuple[int, str]] | None = None) -> bytes:
    """The findings document as an A4 PDF a school can print and share: the map on a
    landscape page of its own, headings kept with what follows them.

    trace: filled with (page, kind) of every flowable as it is placed (for tests).
    """
    _register_fonts()
    base = getSampleStyleSheet()
    accent = colors.HexColor("#1F4E79")
    grey = colors.HexColor("#424949")
    style = {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=f"{_FONT}-Bold", fontSize=24,
                                leading=30, textColor=accent, spaceBefore=0.5 * cm),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=f"{_FONT}-Bold",
                             fontSize=16, textColor=accent, spaceBefore=14, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=f"{_FONT}-Bold", fontSize=13,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=f"{_FONT}-Bold",
                             fontSize=10.5, keepWithNext=1),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontName=_FONT, fontSize=10, leading=14),
        "item": ParagraphStyle("i", parent=base["BodyText"], fontName=_FONT, fontSize=10,
                               leading=14, leftIndent=12, bulletIndent=2),
        "quote": ParagraphStyle("q", parent=base["BodyText"], fontName=f"{_FONT}-Italic",
                                fontSize=10, leading=14, leftIndent=18, textColor=grey),
        "sub": ParagraphStyle("s", parent=base["BodyText"], fontName=_FONT, fontSize=12,
                              alignment=TA_CENTER, textColor=grey, spaceAfter=18),
        "key": ParagraphStyle("k", parent=base["BodyText"], fontName=_FONT, fontSize=8.5,
                              leading=10.5),
    }  # fmt: skip
    story: list[Flowable] = []
    after_title = False
    ordered = blocks(data, words)
    # The map's landscape page comes before the heading of its section, so that the heading
    # opens the next page instead of standing alone above a page break.
    for k in range(1, len(ordered)):
        if ordered[k].kind == "map" and ordered[k - 1].kind in ("h1", "h2", "h3"):
            ordered[k - 1], ordered[k] = ordered[k], ordered[k - 1]
    for block in ordered:
        text = escape(block.text).replace("\n", "<br/>")
        if block.kind == "title":
            story.append(_traced(Paragraph(text, style["title"]), "title"))
            after_title = True
        elif block.kind == "p" and after_title:
            story.append(_traced(Paragraph(text, style["sub"]), "sub"))
            after_title = False
        elif block.kind == "page":
            story.append(PageBreak())
        elif block.kind == "map":
            story += _map_pages(data, words, style)
        elif block.kind == "item":
            story.append(_traced(Paragraph(text, style["item"], bulletText="•"), "item"))
        else:
            story.append(_traced(Paragraph(text, style[block.kind]), block.kind))
    buffer = io.BytesIO()
    title = words("report.title", school=data.school)
    document = _Document(buffer, trace, title=title, author="Netwerkkaart-bot", subject=title)
    portrait_size, landscape_size = A4, landscape(A4)

    def footer(canvas: object, doc: object) -> None:
        width = canvas._pagesize[0]  # type: ignore[attr-defined]
        margin = _MARGIN if width < landscape_size[0] else _LANDSCAPE_MARGIN
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(_FONT, 8)  # type: ignore[attr-defined]
        canvas.setFillColor(colors.HexColor("#7B7D7D"))  # type: ignore[attr-defined]
        page = canvas.getPageNumber()  # type: ignore[attr-defined]
        canvas.drawString(margin, 1.0 * cm, f"{title} – {data.date}")  # type: ignore[attr-defined]
        canvas.drawRightString(width - margin, 1.0 * cm, str(page))  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    portrait_frame = Frame(_MARGIN, _MARGIN, portrait_size[0] - 2 * _MARGIN,
                           portrait_size[1] - 2 * _MARGIN, id="portrait")  # fmt: skip
    landscape_frame = Frame(
        _LANDSCAPE_MARGIN, _LANDSCAPE_BOTTOM, landscape_size[0] - 2 * _LANDSCAPE_MARGIN,
        landscape_size[1] - _LANDSCAPE_MARGIN - _LANDSCAPE_BOTTOM, id="landscape",
    )  # fmt: skip
    document.addPageTemplates(
        [
            PageTemplate("portrait", [portrait_frame], onPage=footer, pagesize=portrait_size),
            PageTemplate("landscape", [landscape_frame], onPage=footer, pagesize=landscape_size),
        ]
    )
    document.build(story)
    return buffer.getvalue()


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """A report with portrait pages and the map's landscape page; records where things land."""

    def __init__(self, buffer: io.BytesIO, trace: list[tuple[int, str]] | None, **kwargs: object):
        super().__init__(buffer, pagesize=A4, **kwargs)
        self._trace = trace

    def afterFlowable(self, flowable: Flowable) -> None:
        kind = getattr(flowable, "_netwerkkaart_kind", None)
        if self._trace is not None and kind is not None:
            self._trace.append((self.page, kind))


def _traced(flowable: Flowable, kind: str) -> Flowable:
    flowable._netwerkkaart_kind = kind
    return flowable


def _map_pages(data: ReportData, words: Words, style: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The map alone on a landscape page at its own print size, then its numbered key."""
    out: list[Flowable] = [NextPageTemplate("landscape"), PageBreak()]
    png, dpi = (data.print_png, data.print_dpi) if data.print_png else (data.map_png, 150.0)
    out.append(_traced(_map_image(png, dpi), "map"))
    out += [NextPageTemplate("portrait"), PageBreak()]
    if data.map_key:
        out.append(_traced(Paragraph(escape(words("report.print.map_key")), style["h3"]), "h3"))
        cells = [
            Paragraph(f"<b>{n}.</b> {escape(label)}", style["key"]) for n, label in data.map_key
        ]
        columns = 3
        rows = [cells[k : k + columns] for k in range(0, len(cells), columns)]
        rows[-1] += [Paragraph("", style["key"])] * (columns - len(rows[-1]))
        width = (A4[0] - 2 * _MARGIN) / columns
        table = Table(rows, colWidths=[width] * columns, hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1)]))  # fmt: skip
        out.append(_traced(table, "key"))
        out.append(Spacer(1, 8))
    return out


def _map_image(png: bytes, dpi: float) -> Image:
    """The picture at its own print size (its labels as large as drawn), smaller only if it
    would not fit the landscape frame."""
    image = Image(io.BytesIO(png))
    width, height = image.imageWidth * 72 / dpi, image.imageHeight * 72 / dpi
    frame_w = landscape(A4)[0] - 2 * _LANDSCAPE_MARGIN - 12
    frame_h = landscape(A4)[1] - _LANDSCAPE_MARGIN - _LANDSCAPE_BOTTOM - 12
    scale = min(1.0, frame_w / width, frame_h / height) if width and height else 1.0
    image.drawWidth, image.drawHeight = width * scale, height * scale
    return image
