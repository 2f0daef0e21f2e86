"""/help: which commands this person can use right now, decided without Telegram; /gids: the
one-page guide for the gespreksleider (PROTOCOL.md, 002) as a short message and a PDF."""

from __future__ import annotations

from core.leaflets import guide_pdf
from core.model import Member, Round, Team
from core.protocol import (
    BRAINSTORMING,
    CLOSING_STAGES,
    DEEPENING,
    LOOKING,
    PRIORITISING,
    Stage,
    Step,
)
from prompts import Html, Texts

# The guide's parts in order: guide.<part>_title and guide.<part> (the introduction's text is
# guide.introduction, since guide.intro opens the guide).
GUIDE_PARTS = (
    ("start", "start"), ("intro", "introduction"), ("brainstorm", "brainstorm"),
    ("priority", "priority"), ("deep", "deep"), ("closing", "closing"), ("finish", "finish"),
    ("deadline", "deadline"), ("membercheck", "membercheck"), ("yearly", "yearly"),
)  # fmt: skip


def guide_message(texts: Texts, lang: str) -> Html:
    """The guide as one short chat message."""
    return texts.t("guide.message", lang)


def guide_sections(texts: Texts, lang: str) -> list[tuple[str, str]]:
    """The guide's headings and texts, in order."""
    return [
        (texts.plain(f"guide.{title}_title", lang), texts.plain(f"guide.{body}", lang))
        for title, body in GUIDE_PARTS
    ]


def guide_document(texts: Texts, lang: str) -> tuple[bytes, str]:
    """The guide as a one-page PDF and its file name (CPU work: run it in a thread)."""
    pdf = guide_pdf(
        texts.plain("guide.title", lang),
        texts.plain("guide.intro", lang),
        guide_sections(texts, lang),
        texts.plain("guide.footer", lang),
    )
    return pdf, texts.plain("guide.file", lang)


def group_help(
    team: Team | None, round_: Round | None, *, manager: bool, has_version: bool = False
) -> list[str]:
    """Prompt keys for /help in a group, for the principal/admin or for a colleague."""
    if not manager:
        keys = ["help.title_member"]
        if round_ is None:
            keys.append("help.wait_round")
        elif round_.step == Step.BRAINSTORM.value:
            keys.append("help.join")
        return [*keys, "help.status", "help.help"]
    keys = ["help.title_admin"]
    if team is None or not team.is_ready:
        return [*keys, "help.register", "help.guide", "help.help"]
    if round_ is None:
        keys += ["help.round", "help.report"] if has_version else ["help.round"]
    elif round_.step == Step.BRAINSTORM.value:
        keys += ["help.close", "help.deadline"]
    elif round_.step == Step.BRAINSTORM_CLOSED.value:
        keys += ["help.priority", "help.deep", "help.closing", "help.finish", "help.map",
                 "help.edit", "help.export"]  # fmt: skip
    elif round_.step in (Step.PRIORITIES.value, Step.DEEP.value, Step.CLOSING.value):
        keys += ["help.close", "help.deadline", "help.map", "help.edit", "help.export"]
    elif round_.step == Step.CLOSING_CLOSED.value:
        keys += ["help.finish", "help.map", "help.edit", "help.export"]
    else:
        keys += ["help.deep", "help.closing", "help.finish", "help.map", "help.edit",
                 "help.export"]  # fmt: skip
    return [*keys, "help.status", "help.language", "help.colourblind", "help.names",
            "help.sendhours", "help.freedays", "help.guide", "help.help"]  # fmt: skip


# What a facilitator can do in private: the control message, and every command as a shortcut.
FACILITATOR = ["help.title_facilitator", "help.panel", "help.round", "help.close",
               "help.priority", "help.deep", "help.closing", "help.finish", "help.membercheck",
               "help.map", "help.edit", "help.export", "help.report", "help.import"]  # fmt: skip


def private_help(member: Member | None, *, facilitator: bool = False) -> list[str]:
    """Prompt keys for /help in a private chat (a facilitator's commands first)."""
    if facilitator:
        own = private_help(member)
        return [*FACILITATOR, *(k for k in own if k not in FACILITATOR and k != "help.not_joined")]
    if member is None:
        return ["help.title_private", "help.not_joined", "help.mydata", "help.forget"]
    keys = ["help.title_private", "help.answer"]
    stage = Stage(member.stage)
    if stage in BRAINSTORMING or stage in (Stage.REVIEW, Stage.DONE, Stage.WAITING):
        keys += ["help.list", "help.link"]
    elif stage in LOOKING:
        keys.append("help.link")  # a link proposed in the second look
    if stage is Stage.WAITING or stage in PRIORITISING | DEEPENING | CLOSING_STAGES | LOOKING:
        keys.append("help.member_map")  # the map has been shared with the group
    return [*keys, "help.resume", "help.mydata", "help.forget", "help.help"]
