"""Group-level protocol actions (step 0, opening a round, closing the brainstorm), no Telegram."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from core.model import Language, Member, Progress, Round, Team
from core.protocol import (
    CLOSING_STAGES,
    DEEPENING,
    Stage,
    Step,
    can_move,
    stage_after_brainstorm_closed,
    stage_after_step_closed,
)
from core.validation import Problem, clean_school_name
from prompts import Html, Texts
from storage.store import Tx

from . import review, sharing


def new_token() -> str:
    """An unguessable deep-link payload (24 URL-safe characters, well under Telegram's 64)."""
    return secrets.token_urlsafe(18)


def progress_text(
    texts: Texts, lang: str, round_: Round, progress: Progress, *, checking: bool = False
) -> Html:
    """The counts the group may see: never who, never what."""
    key = "group.progress" if round_.step == Step.BRAINSTORM.value else "group.progress_closed"
    if checking:
        key = "group.progress_checking"
    return texts.t(key, lang, joined=progress.joined, finished=progress.finished)


def announce_text(
    texts: Texts, team: Team, round_: Round, progress: Progress, *, checking: bool = False
) -> Html:
    """The round's announcement in the group, with the current counts."""
    lang = team.language.value
    return texts.t(
        "group.round_announce",
        lang,
        number=round_.number,
        school=team.school_name or "",
        update=texts.t("group.round_update", lang) + "\n\n" if round_.number > 1 else "",
        progress=progress_text(texts, lang, round_, progress, checking=checking),
    )


@dataclass
class StartResult:
    """What /start in a group leads to."""

    text: Html
    ask_name: bool = False
    team: Team | None = None


async def start_team(
    tx: Tx, texts: Texts, *, chat_id: int, user_id: int, principal_name: str, default: Language
) -> StartResult:
    """Registers the group as a team (once) with the sender as principal; asks the school name."""
    team = await tx.team_by_chat(chat_id)
    if team is None:
        team = await tx.create_team(chat_id, user_id, default)
        return StartResult(texts.t("group.hello", team.language.value), ask_name=True, team=team)
    lang = team.language.value
    if not team.is_ready:
        # The first question never reached the group (or was never noted): ask it again as new.
        key = "group.hello" if team.name_prompt_message_id is None else "group.ask_name_again"
        return StartResult(texts.t(key, lang), ask_name=True, team=team)
    text = texts.t(
        "group.already_registered", lang, school=team.school_name, principal=principal_name
    )
    return StartResult(text, team=team)


async def set_school_name(tx: Tx, texts: Texts, team: Team, text: str, principal: str) -> Html:
    """Stores the school name the principal replied with, or explains what is wrong."""
    lang = team.language.value
    cleaned = clean_school_name(text)
    if isinstance(cleaned, Problem):
        return texts.t(cleaned.key, lang, **cleaned.fields)
    was_ready = team.is_ready
    await tx.set_school_name(team.id, cleaned)
    if was_ready and cleaned != team.school_name:
        return texts.t("group.name_changed", lang, school=cleaned)
    return texts.t("group.name_saved", lang, school=cleaned, principal=principal)


@dataclass
class RoundResult:
    """What /ronde leads to: an announcement to post, or a refusal."""

    text: Html
    round: Round | None = None


async def open_round(tx: Tx, texts: Texts, team: Team) -> RoundResult:
    """Opens the team's next round with a fresh deep-link token; only one may be open."""
    lang = team.language.value
    current = await tx.open_round_of(team.id)
    if current is not None:
        return RoundResult(texts.t("group.round_already_open", lang, number=current.number))
    round_ = await tx.open_round(team.id, new_token(), Step.BRAINSTORM.value)
    progress = await tx.progress(round_.id)
    return RoundResult(announce_text(texts, team, round_, progress), round_)


@dataclass
class CloseResult:
    """What closing the brainstorm leads to: a group message and a DM per member."""

    text: Html
    round: Round | None = None
    direct: list[tuple[int, Html]] = field(default_factory=list)


async def close_step(tx: Tx, texts: Texts, team: Team) -> CloseResult:
    """/sluit closes whatever step is open: the brainstorm (2A) or the priority pick (2C)."""
    lang = team.language.value
    round_ = await tx.open_round_of(team.id)
    if round_ is None:
        return CloseResult(texts.t("group.no_round", lang))
    if round_.step == Step.BRAINSTORM.value:
        return await close_brainstorm(tx, texts, team, round_)
    if round_.step == Step.PRIORITIES.value:
        return await close_priorities(tx, texts, team, round_)
    if round_.step == Step.DEEP.value:
        return await close_deep(tx, texts, team, round_)
    if round_.step == Step.CLOSING.value:
        return await close_closing(tx, texts, team, round_)
    return CloseResult(texts.t("group.nothing_to_close", lang))


async def open_closing(tx: Tx, texts: Texts, team: Team) -> OpenResult:
    """Opens step 4: every member past the introduction gets the seven closing questions."""
    lang = team.language.value
    round_ = await tx.open_round_of(team.id)
    if round_ is None:
        return OpenResult(texts.t("group.no_round", lang))
    if not can_move(Step(round_.step), Step.CLOSING):
        return OpenResult(texts.t("group.closing_not_now", lang))
    await tx.set_round_step(round_.id, Step.CLOSING.value)
    asked: list[Member] = []
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) is Stage.WAITING:
            asked.append(await tx.update_member(member.id, stage=Stage.CLOSING))
    text = texts.t("group.closing_opened", lang, joined=len(await tx.present_members(round_.id)))
    return OpenResult(text, await tx.round(round_.id), asked)


async def close_closing(tx: Tx, texts: Texts, team: Team, round_: Round) -> CloseResult:
    """Closes step 4: the answers and absences go to the group; the metaphors join the map."""
    lang = team.language.value
    await tx.set_round_step(round_.id, Step.CLOSING_CLOSED.value)
    direct: list[tuple[int, Html]] = []
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) in CLOSING_STAGES:
            await tx.update_member(member.id, stage=Stage.WAITING, absence_id=None)
            await tx.bump_screen(member.id)
            direct.append((member.user_id, texts.t("member.closing_closed", lang)))
    summary = await sharing.closing_summary(tx, texts, team, round_)
    text = Html(f"{texts.t('group.closing_closed', lang)}\n\n{summary}")
    return CloseResult(text, await tx.round(round_.id), direct)


async def close_deep(tx: Tx, texts: Texts, team: Team, round_: Round) -> CloseResult:
    """Closes step 3: the answers go to the group per partner and card; members are told."""
    lang = team.language.value
    session = await tx.deep_session(round_.id, "open")
    await tx.set_round_step(round_.id, Step.DEEP_CLOSED.value)
    if session is not None:
        await tx.set_deep_status(int(session.id), "closed")
    direct: list[tuple[int, Html]] = []
    for member in await tx.present_members(round_.id):
        stage = Stage(member.stage)
        if stage in DEEPENING:
            await tx.update_member(member.id, stage=Stage.WAITING, deep_card=None)
            await tx.bump_screen(member.id)
            direct.append((member.user_id, texts.t("member.deep_closed", lang)))
    text = texts.t("group.deep_closed", lang)
    if session is not None:
        summary = await sharing.deep_summary(tx, texts, team, round_, int(session.id))
        text = Html(f"{text}\n\n{summary}")
    return CloseResult(text, await tx.round(round_.id), direct)


async def open_deep(tx: Tx, texts: Texts, team: Team, session_id: int) -> OpenResult:
    """Opens step 3 for the chosen partners; every member past the introduction is asked."""
    lang = team.language.value
    round_ = await tx.open_round_of(team.id)
    if round_ is None:
        return OpenResult(texts.t("group.no_round", lang))
    if not can_move(Step(round_.step), Step.DEEP):
        return OpenResult(texts.t("group.deep_not_now", lang))
    partners = await tx.deep_partners(session_id)
    if not partners:
        return OpenResult(texts.t("group.deep_choose_first", lang))
    await tx.set_deep_status(session_id, "open")
    await tx.set_round_step(round_.id, Step.DEEP.value)
    asked: list[Member] = []
    only = partners[0][0] if len(partners) == 1 else None
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) is Stage.WAITING:
            asked.append(
                await tx.update_member(
                    member.id, stage=Stage.DEEP, deep_node_key=only, deep_card=None
                )
            )
    names = ", ".join(label for _, label in partners)
    text = texts.t(
        "group.deep_opened", lang, partners=names, joined=len(await tx.present_members(round_.id))
    )
    return OpenResult(text, await tx.round(round_.id), asked)


async def close_priorities(tx: Tx, texts: Texts, team: Team, round_: Round) -> CloseResult:
    """Closes step 2C: picks are final; every member hears what they chose; the group gets
    the counts and the reasons (anonymous) with the prompt to talk about them."""
    lang = team.language.value
    await tx.set_round_step(round_.id, Step.PRIORITIES_CLOSED.value)
    direct: list[tuple[int, Html]] = []
    for member in await tx.present_members(round_.id):
        stage = Stage(member.stage)
        following = stage_after_step_closed(stage)
        picked = await tx.priority(member.id) is not None
        if following is not stage:
            await tx.update_member(member.id, stage=following)
            await tx.bump_screen(member.id)
        key = "member.priorities_closed" if picked else "member.priorities_closed_none"
        direct.append((member.user_id, texts.t(key, lang)))
    counts = await priority_progress(tx, round_.id)
    text = texts.t("group.priorities_closed", lang, picked=counts[0], joined=counts[1])
    # Why people chose, anonymously, in the same message (the map's caption where it fits).
    reasons = await sharing.priority_reasons(tx, texts, team, round_)
    if reasons is not None:
        text = Html(f"{text}\n\n{reasons}")
    return CloseResult(text, await tx.round(round_.id), direct)


async def priority_progress(tx: Tx, round_id: int) -> tuple[int, int]:
    """(members who picked, members): counts only."""
    members = await tx.present_members(round_id)
    picked = len(await tx.priorities(round_id))
    return picked, len(members)


@dataclass
class OpenResult:
    """What /prioriteit leads to: a group text and the members to ask in private."""

    text: Html
    round: Round | None = None
    members: list[Member] = field(default_factory=list)


async def open_priorities(tx: Tx, texts: Texts, team: Team) -> OpenResult:
    """Opens step 2C: every member who finished the introduction is asked for one partner."""
    lang = team.language.value
    round_ = await tx.open_round_of(team.id)
    if round_ is None:
        return OpenResult(texts.t("group.no_round", lang))
    if not can_move(Step(round_.step), Step.PRIORITIES):
        key = (
            "group.priorities_not_yet"
            if round_.step == Step.BRAINSTORM.value
            else ("group.priorities_already")
        )
        return OpenResult(texts.t(key, lang))
    await tx.set_round_step(round_.id, Step.PRIORITIES.value)
    asked: list[Member] = []
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) is Stage.WAITING:
            asked.append(await tx.update_member(member.id, stage=Stage.PRIORITY))
    round_ = await tx.round(round_.id)
    text = texts.t("group.priorities_opened", lang, joined=len(await tx.present_members(round_.id)))
    return OpenResult(text, round_, asked)


async def close_brainstorm(tx: Tx, texts: Texts, team: Team, round_: Round) -> CloseResult:
    """Closes step 2A: every member's list is kept as it is; members are told what happens."""
    lang = team.language.value
    await tx.set_round_step(round_.id, Step.BRAINSTORM_CLOSED.value)
    direct: list[tuple[int, Html]] = []
    for member in await tx.present_members(round_.id):
        stage = Stage(member.stage)
        if stage is Stage.REVIEW:
            await review.keep_unreviewed(tx, member)
        count = len(await tx.postits(member.id))
        following = stage_after_brainstorm_closed(stage)
        if member.finished_at is not None:
            message = texts.t("member.closed_finished", lang)
        elif following is stage:
            message = texts.t("member.closed_onboarding", lang)
        else:
            message = texts.t("member.closed_unfinished", lang, count=count)
        if following is not stage:
            await tx.update_member(member.id, stage=following, current_postit_id=None)
            # The buttons this member still sees belong to the brainstorm: stale from now on.
            await tx.bump_screen(member.id)
        direct.append((member.user_id, message))
    text = await brainstorm_closed_text(tx, texts, team, round_)
    return CloseResult(text, await tx.round(round_.id), direct)


async def brainstorm_closed_text(tx: Tx, texts: Texts, team: Team, round_: Round) -> Html:
    """The group's summary of the closed brainstorm: who was done, how many post-its."""
    progress = await tx.progress(round_.id)
    total = 0
    for member in await tx.members(round_.id):
        total += len(await tx.postits(member.id))
    return texts.t(
        "group.brainstorm_closed",
        team.language.value,
        finished=progress.finished,
        joined=progress.joined,
        postits=total,
    )
