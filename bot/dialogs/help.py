"""/help: which commands this person can use right now, decided without Telegram."""

from __future__ import annotations

from core.model import Member, Round, Team
from core.protocol import BRAINSTORMING, CLOSING_STAGES, DEEPENING, PRIORITISING, Stage, Step


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
        return [*keys, "help.register", "help.help"]
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
            "help.sendhours", "help.help"]  # fmt: skip


def private_help(member: Member | None) -> list[str]:
    """Prompt keys for /help in a private chat."""
    if member is None:
        return ["help.title_private", "help.not_joined", "help.mydata", "help.forget"]
    keys = ["help.title_private", "help.answer"]
    stage = Stage(member.stage)
    if stage in BRAINSTORMING or stage in (Stage.REVIEW, Stage.DONE, Stage.WAITING):
        keys += ["help.list", "help.link"]
    if stage is Stage.WAITING or stage in PRIORITISING | DEEPENING | CLOSING_STAGES:
        keys.append("help.member_map")  # the map has been shared with the group
    return [*keys, "help.resume", "help.mydata", "help.forget", "help.help"]
