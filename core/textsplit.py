"""Long HTML texts cut into messages that fit, never inside a tag or an entity.

Telegram counts its limits (4096 for a message, 1024 for a caption) in UTF-16 code units of
the text as shown: an emoji counts twice. The source HTML is measured instead, which is never
shorter than what it shows, so a part that fits here fits there. A tag open at a cut is closed
at the end of the part and opened again at the start of the next one (a long `<pre>` report
stays a code block in every part).
"""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

# Tags, entities (&amp; &#39; &#x1F600;), or one character.
_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);|.", re.DOTALL)
_START = re.compile(r"<([A-Za-z][\w-]*)")
_END = re.compile(r"</([A-Za-z][\w-]*)\s*>")
_TAG = re.compile(r"<[^<>]*>")


def utf16_len(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def shown(text: str) -> str:
    """The HTML without its tags (entities left as they are): whether a part shows anything."""
    return _TAG.sub("", text)


def _closer(tag: str) -> str:
    match = _START.match(tag)
    return f"</{match.group(1)}>" if match else ""


def _apply(stack: tuple[str, ...], token: str) -> tuple[str, ...]:
    """The open tags after this token."""
    if not token.startswith("<"):
        return stack
    end = _END.match(token)
    if end is not None:
        name = end.group(1).lower()
        for index in range(len(stack) - 1, -1, -1):
            if _closer(stack[index]).lower() == f"</{name}>":
                return stack[:index]
        return stack
    if _START.match(token) and not token.endswith("/>"):
        return (*stack, token)
    return stack


def _closers(stack: tuple[str, ...]) -> str:
    return "".join(_closer(tag) for tag in reversed(stack))


def _balanced(text: str) -> bool:
    """True when every tag the text opens is closed again."""
    stack: tuple[str, ...] = ()
    for tag in _TAG.findall(text):
        stack = _apply(stack, tag)
    return not stack


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut an HTML text into parts of at most `limit` UTF-16 units: at a line break where one
    is in the part, else at a space, else between characters; never inside a tag or entity.
    Parts that would show nothing (only white space) are left out."""
    if utf16_len(text) <= limit and _balanced(text):
        # The common case: nothing to cut and no tag left open (only the tags are looked at,
        # not every character).
        return [text] if shown(text).strip() else []
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    start = 0
    stack: tuple[str, ...] = ()
    while start < len(tokens):
        prefix = "".join(stack)
        length = utf16_len(prefix)
        current = stack
        closers = utf16_len(_closers(stack))
        line_break: tuple[int, tuple[str, ...]] | None = None
        space: tuple[int, tuple[str, ...]] | None = None
        index = start
        while index < len(tokens):
            token = tokens[index]
            following = _apply(current, token)
            if following is not current:
                closers = utf16_len(_closers(following))
            size = utf16_len(token)
            if length + size + closers > limit and index > start:
                break
            length += size
            current = following
            index += 1
            if token == "\n":
                line_break = (index, current)
            elif token == " ":
                space = (index, current)
        if index >= len(tokens):
            end, end_stack = index, current
        elif line_break is not None:
            end, end_stack = line_break
        elif space is not None:
            end, end_stack = space
        else:
            end, end_stack = index, current
        body = "".join(tokens[start:end])
        if end < len(tokens):
            body = body.rstrip("\n ") if line_break is not None or space is not None else body
        part = prefix + body + _closers(end_stack)
        if shown(part).strip():
            parts.append(part)
        start, stack = end, end_stack
        while 0 < start < len(tokens) and tokens[start] == "\n":
            start += 1  # a part does not begin with an empty line
    return parts
