"""The member check's QR code and poster, and the guide: readable, one page, in both languages."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image

from bot.dialogs import help as help_dialog
from core.leaflets import Poster, poster_pdf, qr_png
from prompts import LANGUAGES, Texts


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("token", ["a" * 24, "Zx-_9" * 12])
def test_the_qr_code_decodes_to_the_link(token: str) -> None:
    """Any token Telegram accepts (up to 64 characters) comes back from the picture exactly."""
    url = f"https://t.me/netwerkkaart_bot?start=mc_{token}"
    image = Image.open(io.BytesIO(qr_png(url)))
    assert image.format == "PNG"
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_poster_and_the_guide_fit_on_one_page(lang: str) -> None:
    """A long school name and the longest language still give one A4 poster and guide page."""
    texts = Texts.load()
    url = "https://t.me/netwerkkaart_bot?start=mc_" + "x" * 60

    def plain(key: str, **fields: object) -> str:
        return texts.plain(key, lang, **fields)

    school = "Gemeentelijke Basisschool Sint-Jozef en Sint-Vincentius van Oost-Vlaanderen"
    poster = Poster(
        title=plain("survey.poster_title", school=school),
        headline=plain("survey.poster_headline"),
        lines=(
            plain("survey.poster_what"),
            plain("survey.poster_time"),
            plain("survey.poster_anonymous"),
        ),
        scan=plain("survey.poster_scan"),
        url=url,
        footer=plain("survey.poster_until", when="09-12-2026 08:00"),
    )
    pdf = poster_pdf(poster, qr_png(url))
    assert pdf.startswith(b"%PDF") and _pages(pdf) == 1
    guide, name = help_dialog.guide_document(texts, lang)
    assert guide.startswith(b"%PDF") and _pages(guide) == 1
    assert name.endswith(".pdf")
