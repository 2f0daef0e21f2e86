"""Cutting HTML by Telegram's UTF-16 count, never inside a tag or an entity."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from core.textsplit import shown, split_html, utf16_len

_words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(html.escape)
_piece = st.one_of(_words, _words.map(lambda w: f"<b>{w}</b>"), _words.map(lambda w: f"<i>{w}</i>"),
                   st.just("\n"), st.just("😀"), st.just("&amp;"))  # fmt: skip
_html = st.lists(_piece, max_size=60).map("".join)


def test_an_emoji_counts_twice() -> None:
    assert utf16_len("a😀é") == 4


@given(_html, st.sampled_from([16, 64, 1024, 4096]))
def test_every_part_fits_and_keeps_its_tags_closed(text: str, limit: int) -> None:
    parts = split_html(text, limit)
    for part in parts:
        assert utf16_len(part) <= limit
        assert part.count("<b>") == part.count("</b>") and part.count("<i>") == part.count("</i>")
        assert re.search(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|\w+);)", part) is None  # whole entities
    if utf16_len(text) <= limit and shown(text).strip():
        assert parts == [text]  # nothing to cut: the text as it is, in one message


def test_a_tag_left_open_is_closed() -> None:
    assert split_html("<b>Let op") == ["<b>Let op</b>"]
