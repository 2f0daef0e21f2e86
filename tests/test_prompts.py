"""The texts: both languages complete, same placeholders, valid Telegram HTML, no missing keys."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prompts import LANGUAGES, Texts, placeholders

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}
REFERENCE = re.compile(r"\{@([A-Za-z0-9_.]+)\}")


@pytest.fixture(scope="module")
def texts() -> Texts:
    """The prompts as the bot loads them."""
    return Texts.load()


def test_both_languages_have_the_same_keys(texts: Texts) -> None:
    """Every Dutch interface text has an English twin and vice versa."""
    assert set(texts.ui["nl"]) == set(texts.ui["en"])


def test_both_languages_have_the_same_placeholders_and_references(texts: Texts) -> None:
    """A translation never drops or invents a {field} or a protocol reference."""
    for key, dutch in texts.ui["nl"].items():
        english = texts.ui["en"][key]
        assert placeholders(dutch) == placeholders(english), key
        assert set(REFERENCE.findall(dutch)) == set(REFERENCE.findall(english)), key


def test_references_point_to_existing_texts(texts: Texts) -> None:
    """{@ID} in a template names a text that exists."""
    for lang in LANGUAGES:
        for key, template in texts.ui[lang].items():
            for ref in REFERENCE.findall(template):
                assert texts.has(ref), f"{lang}:{key} refers to unknown {ref}"


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not Telegram HTML")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_renders_as_valid_telegram_html(texts: Texts, lang: str) -> None:
    """Rendering each prompt with hostile field values still gives balanced, allowed HTML."""
    for key, template in texts.ui[lang].items():
        fields = {name: "<b>&x" for name in placeholders(template)}
        rendered = texts.t(key, lang, **fields)
        checker = _TagChecker()
        checker.feed(rendered)
        checker.close()
        assert checker.problems == [] and checker.stack == [], (key, checker.problems)
        assert "<b>&x" not in rendered, f"{key}: a field was not escaped"
        assert len(rendered) <= 4096, key


def _keys_used_in_code() -> set[str]:
    used: set[str] = set()
    for path in [*(ROOT / "bot").rglob("*.py")]:
        if "testing" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"t", "plain"}
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.add(first.value)
    return used


def test_every_key_the_code_uses_exists(texts: Texts) -> None:
    """A literal prompt key in the code always has a text (no KeyError at a user's expense)."""
    used = _keys_used_in_code()
    assert used, "expected to find prompt keys in the code"
    missing = sorted(key for key in used if not texts.has(key))
    assert missing == []


def test_every_round_step_has_a_name(texts: Texts) -> None:
    """/status names every step of the protocol, in both languages."""
    from core.protocol import Step

    for step in Step:
        assert f"step.{step.value}" in texts.ui["nl"], step
        assert f"step.{step.value}" in texts.ui["en"], step


def test_counts_are_singular_or_plural(texts: Texts) -> None:
    """'1 partner heeft', '3 partners hebben': never 'partner(s)' in any text."""
    assert texts.plain("done.incomplete", "nl", count=1).startswith("1 partner heeft ")
    assert texts.plain("done.incomplete", "nl", count=3).startswith("3 partners hebben ")
    assert "1 deelnemer." in texts.t(
        "map.caption", "nl", school="X", number=1, partners=4, members=1
    )
    for lang in LANGUAGES:
        for key in texts.ui[lang]:
            assert "(s)" not in texts.ui[lang][key], (lang, key)
