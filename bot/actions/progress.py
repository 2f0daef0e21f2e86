"""What the group sees of a round while it runs: the announcement's counts and step 1's answers."""

from __future__ import annotations

from bot.context import Services
from bot.dialogs import sharing
from bot.dialogs.team import announce_text
from core.effects import Link, Text
from core.model import Round, Team
from core.protocol import Step
from prompts import Html
from storage.store import Tx

from . import control
from .common import join_buttons

# The group's one line asking the principal to open the private chat (when no round runs).
REACH_KEY = "reach-principal"


def announcement_key(round_: Round) -> str:
    """The living key of the round's announcement (edited as the counts change)."""
    return f"announce:{round_.id}"


async def announcement(tx: Tx, services: Services, team: Team, round_: Round) -> Text:
    """The round's announcement with the join button and the current counts; while the map
    waits for the principal's answers it says so, and while rows wait for the principal's
    private chat it asks them to open it (one button more, no extra message)."""
    counts = await tx.progress(round_.id)
    checking = (
        round_.step == Step.BRAINSTORM_CLOSED.value
        and await tx.shown_map(team.chat_id, round_.id) is None
    )
    text = announce_text(services.texts, team, round_, counts, checking=checking)
    buttons = join_buttons(services, team, round_)
    if await tx.holds_for(team.principal_user_id):
        lang = team.language.value
        text = Html(f"{text}\n\n{services.texts.t('group.reach_principal', lang)}")
        buttons = (*buttons, (open_private_button(services, team),))
    return Text(team.chat_id, text, buttons, living=announcement_key(round_))


def open_private_button(services: Services, team: Team) -> Link:
    """A button that opens the private chat with the bot (then the person taps Start)."""
    label = services.texts.plain("btn.open_private", team.language.value)
    return Link(label, f"https://t.me/{services.bot_username}")


async def principal_held(services: Services, team_id: int) -> None:
    """The principal has no private chat yet and something waits for them: the group is asked
    once to let them open it, in the running round's announcement or else in one line."""
    async with services.store.tx() as tx:
        team = await tx.team(team_id)
        round_ = await tx.open_round_of(team.id)
        if round_ is not None and await tx.owes(team.chat_id, announcement_key(round_)):
            await tx.enqueue(await announcement(tx, services, team, round_), team.id)
        elif not await tx.owes(team.chat_id, REACH_KEY):
            text = services.texts.t("group.reach_principal", team.language.value)
            buttons = ((open_private_button(services, team),),)
            await tx.enqueue(Text(team.chat_id, text, buttons, living=REACH_KEY), team.id)


def all_done_key(round_: Round) -> str:
    """The living key of the principal's private 'everyone is done' note."""
    return f"alldone:{round_.id}"


def intro_key(round_id: int) -> str:
    """The living key of step 1's shared answers in the group (late answers are edited in)."""
    return f"intro:{round_id}"


async def refresh(tx: Tx, services: Services, round_id: int) -> None:
    """Update the counts in the round's announcement; tell the principal, in private and in
    one message edited in place, when everyone who joined is done."""
    round_ = await tx.round(round_id)
    team = await tx.team(round_.team_id)
    progress = await tx.progress(round_id)
    await tx.enqueue(await announcement(tx, services, team, round_), team.id)
    await control.refresh(tx, services, team)
    if round_.step != Step.BRAINSTORM.value:
        return
    all_done = progress.joined > 0 and progress.finished == progress.joined
    key = all_done_key(round_)
    principal = team.principal_user_id
    if not all_done and not await tx.owes(principal, key):
        return
    text = services.texts.t(
        "principal.all_done" if all_done else "principal.still_busy",
        team.language.value,
        finished=progress.finished,
        joined=progress.joined,
    )
    await tx.enqueue(Text(principal, text, living=key), team.id)


async def repair_announcement(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """A running round whose announcement never reached the group gets it (again)."""
    if not await tx.owes(team.chat_id, announcement_key(round_)):
        await tx.enqueue(await announcement(tx, services, team, round_), team.id)


async def share_intro(
    tx: Tx, services: Services, round_id: int, *, force: bool, people: int | None = None
) -> None:
    """Post step 1's answers to the group when the principal moves on (`force`), or without
    them once everyone in the group (`people`, Telegram's count) joined and answered: never
    while a colleague could still join and read them before writing their own.

    When forced after an earlier share, the answers of members who joined later are edited into
    the same message; when they skipped both questions, nothing changes in the group.
    """
    round_ = await tx.round(round_id)
    team = await tx.team(round_.team_id)
    if round_.intro_posted_at is not None:
        if not force:
            return
        if not await sharing.late_intro_answers(tx, round_):
            await tx.mark_intro_posted(round_id)
            return
    elif not (
        force or (people is not None and await sharing.everyone_past_intro(tx, round_, people))
    ):
        return
    text = await sharing.intro_summary(tx, services.texts, team, round_)
    if text is None or not await tx.members(round_id):
        return
    await tx.mark_intro_posted(round_id)
    await tx.enqueue(Text(team.chat_id, text, living=intro_key(round_id)), team.id)


async def share_intro_when_everyone(services: Services, round_id: int) -> bool:
    """A member finished step 1: when everyone who joined is past it, ask Telegram how many
    people the group has and share the answers if all of them joined (the principal, who
    leads, only when they joined the round themselves). Asked outside a
    transaction; a crash before the share only delays it to the principal's close. True when
    the answers were shared now."""
    async with services.store.tx() as tx:
        round_ = await tx.round(round_id)
        if round_.intro_posted_at is not None or not await sharing.everyone_past_intro(tx, round_):
            return False
        team = await tx.team(round_.team_id)
        # The facilitator leads the round and need not answer: not waited for unless joined.
        leading = await tx.member_of(round_id, team.principal_user_id) is None
    people = await services.group_size(team.chat_id)
    if people is None:
        return False
    people = max(people - int(leading), 0)
    async with services.store.tx() as tx:
        await share_intro(tx, services, round_id, force=False, people=people)
        return (await tx.round(round_id)).intro_posted_at is not None
