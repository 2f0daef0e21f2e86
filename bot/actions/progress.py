"""What the group sees of a round while it runs: the announcement's counts and step 1's answers."""

from __future__ import annotations

from bot.context import Services
from bot.dialogs import sharing
from bot.dialogs.team import announce_text
from core.effects import Text
from core.model import Progress, Round, Team
from core.protocol import Step
from storage.store import Tx

from . import control
from .common import join_buttons


def announcement_key(round_: Round) -> str:
    """The living key of the round's announcement (edited as the counts change)."""
    return f"announce:{round_.id}"


def announcement(services: Services, team: Team, round_: Round, progress: Progress) -> Text:
    """The round's announcement with the join button and the current counts."""
    return Text(
        team.chat_id,
        announce_text(services.texts, team, round_, progress),
        join_buttons(services, team, round_),
        living=announcement_key(round_),
    )


async def refresh(tx: Tx, services: Services, round_id: int) -> None:
    """Update the counts in the round's announcement; say so when everyone is done."""
    round_ = await tx.round(round_id)
    team = await tx.team(round_.team_id)
    progress = await tx.progress(round_id)
    all_done = progress.joined > 0 and progress.finished == progress.joined
    if all_done and round_.step == Step.BRAINSTORM.value:
        text = services.texts.t(
            "group.all_done",
            team.language.value,
            finished=progress.finished,
            joined=progress.joined,
        )
        await tx.enqueue(Text(team.chat_id, text), team.id)
    await tx.enqueue(announcement(services, team, round_, progress), team.id)
    await control.refresh(tx, services, team)


async def repair_announcement(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """A running round whose announcement never reached the group gets it (again)."""
    if not await tx.owes(team.chat_id, announcement_key(round_)):
        progress = await tx.progress(round_.id)
        await tx.enqueue(announcement(services, team, round_, progress), team.id)


async def share_intro(tx: Tx, services: Services, round_id: int, *, force: bool) -> None:
    """Post step 1's answers to the group once everyone answered, or when the principal moves on.

    When forced after an earlier share, members who joined later are added as an addendum.
    """
    round_ = await tx.round(round_id)
    team = await tx.team(round_.team_id)
    if round_.intro_posted_at is not None:
        if not force:
            return
        text = await sharing.intro_summary(tx, services.texts, team, round_, late_only=True)
    elif force or await sharing.everyone_past_intro(tx, round_):
        text = await sharing.intro_summary(tx, services.texts, team, round_)
    else:
        return
    if text is None or not await tx.members(round_id):
        return
    await tx.mark_intro_posted(round_id)
    await tx.enqueue(Text(team.chat_id, text), team.id)
