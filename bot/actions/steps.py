"""Opening and closing the protocol's steps, their terms, and telling every member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import callbacks
from bot.context import Services
from bot.dialogs import closing as closing_dialog
from bot.dialogs import deep as deep_dialog
from bot.dialogs import mapview, router
from bot.dialogs import team as team_dialog
from bot.dialogs.base import MAX_LABEL, Ctx, distinct_labels
from bot.dialogs.priority import key_hash
from core.effects import Buttons, Notice, Tap, Text
from core.merge import Node, name_key
from core.model import Member, Team
from core.protocol import Stage, Step, can_move
from core.schedule import count_school_days, fit_deadline, is_day_term, parse_deadline
from core.teammap import TeamMap
from prompts import Html, Texts
from storage.store import Tx

from . import control, maps, progress
from .calendar import holiday_note, team_window
from .common import dialog_encoder, moment_text, screen_messages
from .plans import RUNNING_STEPS, plan_step

# The term buttons under a step that just opened.
TERMS = ("3d", "7d", "14d")

Opener = Callable[[Tx, Texts, Team], Awaitable[team_dialog.OpenResult]]


def terms_key(round_id: int) -> str:
    """The living key of the newest term offer (in the principal's private chat): older
    offers' buttons are stale."""
    return f"terms:{round_id}"


async def close(services: Services, team: Team) -> None:
    """/sluit: close whatever step runs; members are told in private, the group gets the result."""
    async with services.store.tx() as tx:
        await close_in(tx, services, team)
    await services.flush()


async def close_in(tx: Tx, services: Services, team: Team) -> None:
    """Close the running step inside the caller's transaction (the deadline uses it too).

    The group gets the step's summary, with the map as one photo where it changed; after the
    brainstorm the map waits for the principal's answers about similar names (maps.py). The
    metaphors of step 4 join the map the group gets with step 5 (/afronden), not a map more."""
    lang = team.language.value
    round_before = await tx.open_round_of(team.id)
    if round_before is not None and round_before.step == Step.BRAINSTORM_CLOSED.value:
        # /sluit while the second look runs closes it: the group gets the map once more.
        if await maps.close_look(tx, services, team, round_before):
            await control.nudge(tx, services, team)
            return
        # /sluit while the map waits for the principal's answers: the default applies now,
        # the group gets the map and the second look opens (nothing else to close).
        if not await maps.released(tx, team, round_before):
            await maps.release(tx, services, team, round_before)
            return
    result = await team_dialog.close_step(tx, services.texts, team)
    if round_before is not None and result.round is not None:
        # Reminders and the deadline of the closed step are no longer needed.
        await tx.cancel_planned(round_before.id, round_before.step)
    if round_before is not None and round_before.step == Step.BRAINSTORM.value:
        # The principal moves on: step 1's answers are shared now if they were not yet.
        await progress.share_intro(tx, services, round_before.id, force=True)
    if result.round is None or round_before is None:
        await tx.enqueue(Text(team.chat_id, result.text), team.id)
        return
    batch = f"close:{round_before.id}:{round_before.step}:{tx.now.isoformat()}"
    for user_id, text in result.direct:
        await tx.enqueue(Text(user_id, text, batch=batch), team.id)
    await tx.enqueue(Notice(team.chat_id, batch, "group.unreachable", lang), team.id)
    await progress.refresh(tx, services, result.round.id)
    step = result.round.step
    if step == Step.BRAINSTORM_CLOSED.value:
        await maps.after_brainstorm(tx, services, team, result.round)
    elif step == Step.PRIORITIES_CLOSED.value:
        await maps.post(tx, services, team, result.round, lead=result.text, only_if_changed=True)
    else:
        await tx.enqueue(Text(team.chat_id, result.text), team.id)
    await control.nudge(tx, services, team)


async def open_private_step(
    services: Services, team: Team, opener: Opener, term: str | None
) -> None:
    """Open a step that members answer in private, ask them, and set or offer a term."""
    async with services.store.tx() as tx:
        await maps.release_before_next_step(tx, services, team)
        result = await opener(tx, services.texts, team)
        await tx.enqueue(Text(team.chat_id, result.text), team.id)
        if result.round is not None:
            await ask_members(tx, services, team, result.members)
            await term_or_offer(tx, services, team, term)
            await control.refresh(tx, services, team)
    await services.flush()


async def start_deep(services: Services, team: Team, session_id: int) -> team_dialog.OpenResult:
    """Step 3 starts for the chosen partners; every member is asked. Refusals are returned."""
    async with services.store.tx() as tx:
        result = await team_dialog.open_deep(tx, services.texts, team, session_id)
        if result.round is not None:
            # The choice is made: its message becomes the step's invitation, without buttons.
            lang = team.language.value
            text = services.texts.t("group.deep_started", lang, started=result.text)
            await tx.enqueue(Text(team.chat_id, text, living=f"deep:{session_id}"), team.id)
            await ask_members(tx, services, team, result.members)
            await control.refresh(tx, services, team)
    await services.flush()
    return result


def most_picked(team_map: TeamMap) -> Node | None:
    """The default partner for step 3: the most-picked priority partner (002: 'bv. prioritair')."""
    best = max(range(len(team_map.nodes)), key=lambda i: len(team_map.picks[i]), default=None)
    if best is None or not team_map.picks[best]:
        return None
    return team_map.nodes[best]


async def choose_deep(services: Services, team: Team, typed: str) -> str | None:
    """/verdiep [naam]: the living choice of partners for step 3 in the group (the typed one,
    else the most-picked, chosen); returns a refusal's prompt key, or None."""
    async with services.store.tx() as tx:
        round_ = await tx.open_round_of(team.id)
        if round_ is None or not can_move(Step(round_.step), Step.DEEP):
            return "group.deep_not_now"
        session_id = await tx.draft_deep_session(round_.id)
        team_map = await mapview.load(tx, round_)
        chosen = {k for k, _ in await tx.deep_partners(session_id)}
        if typed:
            index = team_map.index_of(name_key(typed))
            if index is None:
                return "group.deep_unknown"
            node = team_map.nodes[index]
            if node.key not in chosen:
                await tx.toggle_deep_partner(session_id, node.key, node.label)
        elif not chosen:
            default = most_picked(team_map)
            if default is not None:
                await tx.toggle_deep_partner(session_id, default.key, default.label)
        # One living choice per session: repeating /verdiep updates it, never adds one.
        await offer_deep_choice(tx, services, team, session_id, team_map)
    await services.flush()
    return None


DEEP_CHOICES = 12


async def deep_choice(
    tx: Tx, services: Services, team: Team, session_id: int, team_map: TeamMap
) -> Buttons:
    """Partner buttons for step 3 (✓ chosen, ⭐ priority, most relevant first) and Start."""
    chosen = {k for k, _ in await tx.deep_partners(session_id)}
    order = sorted(
        range(len(team_map.nodes)),
        key=lambda i: (
            team_map.nodes[i].key not in chosen,
            -len(team_map.picks[i]),
            -team_map.nodes[i].mention_count,
            team_map.nodes[i].label.casefold(),
        ),
    )[:DEEP_CHOICES]
    rows: list[tuple[Tap, ...]] = []
    # Room for the marks: names stay told apart however long they are.
    names = distinct_labels([team_map.nodes[i].label for i in order], MAX_LABEL - 4)
    for i, name in zip(order, names, strict=True):
        node = team_map.nodes[i]
        label = ("✓ " if node.key in chosen else "") + name
        if team_map.picks[i]:
            label += " ⭐"
        rows.append((Tap(label, callbacks.deep(session_id, "tog", key_hash(node.key))),))
    start = services.texts.plain("btn.deep_start", team.language.value)
    rows.append((Tap(start, callbacks.deep(session_id, "go")),))
    return tuple(rows)


async def offer_deep_choice(
    tx: Tx, services: Services, team: Team, session_id: int, team_map: TeamMap
) -> None:
    """The principal's choice of partners for step 3, as one living message per session."""
    await maps.release_before_next_step(tx, services, team)
    text = services.texts.t("group.deep_select", team.language.value)
    buttons = await deep_choice(tx, services, team, session_id, team_map)
    await tx.enqueue(Text(team.chat_id, text, buttons, living=f"deep:{session_id}"), team.id)


async def ask_members(tx: Tx, services: Services, team: Team, members: list[Member]) -> None:
    """Each member gets their current screen in private; the group hears how many cannot be
    reached."""
    batch = f"ask:{team.id}:{tx.now.isoformat()}"
    for member in members:
        fresh = await tx.member(member.id)
        if fresh is None:
            continue
        ctx = Ctx(tx, services.texts, team, await tx.round(fresh.round_id), fresh)
        stage = Stage(fresh.stage)
        if stage is Stage.DEEP:
            screens = await deep_dialog.start_screens(ctx)
        elif stage is Stage.CLOSING:
            screens = await closing_dialog.start_screens(ctx)
        else:
            screens = [await router.current_screen(ctx)]
        seq = await tx.bump_screen(fresh.id)
        for message in screen_messages(
            fresh.user_id, screens, dialog_encoder(fresh.id, seq), batch=batch
        ):
            await tx.enqueue(message, team.id)
    notice = Notice(team.chat_id, batch, "group.unreachable", team.language.value)
    await tx.enqueue(notice, team.id)


async def term_or_offer(tx: Tx, services: Services, team: Team, term: str | None) -> None:
    """Apply the term typed with the command, or offer term buttons for the step just opened."""
    if term:
        await set_deadline_in(tx, services, team, term)
    else:
        await offer_terms(tx, services, team)


async def offer_terms(tx: Tx, services: Services, team: Team) -> None:
    """Buttons for a term for the step that just opened, for the principal in private: no
    command to remember, and nothing the whole group needs to read."""
    round_ = await tx.open_round_of(team.id)
    if round_ is None or Step(round_.step) not in RUNNING_STEPS:
        return
    lang = team.language.value
    buttons = tuple(
        Tap(
            services.texts.plain(f"btn.term_{value}", lang),
            callbacks.term(round_.id, round_.step, value),
        )
        for value in TERMS
    )
    step = services.texts.plain(f"step.{round_.step}", lang)
    text = services.texts.t("principal.term_offer", lang, step=step)
    offer = Text(team.principal_user_id, text, (buttons,), living=terms_key(round_.id), fresh=True)
    await tx.enqueue(offer, team.id)


async def set_deadline(services: Services, team: Team, text: str) -> None:
    """/deadline 7d | 48u | 30-11: the running step closes by itself then, with reminders."""
    async with services.store.tx() as tx:
        await set_deadline_in(tx, services, team, text)
    await services.flush()


async def set_deadline_in(
    tx: Tx, services: Services, team: Team, text: str, *, chat_id: int | None = None
) -> None:
    """Plan the running step's deadline and reminders and say so (in the group, or where the
    term was chosen)."""
    lang = team.language.value
    zone = services.zone(team)
    window = await team_window(tx, services, team)
    asked = parse_deadline(text, tx.now, zone) if text else None
    if asked is not None and window.calendar is not None and is_day_term(text):
        asked = count_school_days(tx.now, asked, window.calendar, zone)
    when = fit_deadline(asked, tx.now, window, zone) if asked is not None else None
    round_ = await tx.open_round_of(team.id)
    if round_ is None or Step(round_.step) not in RUNNING_STEPS:
        reply = services.texts.t("group.deadline_no_step", lang)
    elif when is None:
        reply = services.texts.t("group.deadline_usage", lang)
    else:
        await plan_step(tx, team, round_, when, window, zone)
        local = moment_text(services, team, when)
        step = services.texts.plain(f"step.{round_.step}", lang)
        reply = services.texts.t("group.deadline_set", lang, step=step, when=local)
        assert asked is not None
        note = holiday_note(services, team, window, asked)
        if note is not None:
            reply = Html(f"{reply}\n{note}")
    target = chat_id if chat_id is not None else team.chat_id
    await tx.enqueue(Text(target, reply), team.id)
    await control.refresh(tx, services, team)


async def take_term(
    services: Services, team: Team, round_id: int, step: str, term: str, message_id: int
) -> bool:
    """A term button: the step closes by itself then, if it is the newest offer and the step
    still runs; False (nothing changed) for a double tap or an earlier step's buttons."""
    async with services.store.tx() as tx:
        round_ = await tx.open_round_of(team.id)
        fresh = (
            round_ is not None
            and round_.id == round_id
            and round_.step == step
            and term in TERMS
            and await tx.take_living_message(
                team.principal_user_id, terms_key(round_id), message_id
            )
        )
        if fresh:
            await set_deadline_in(tx, services, team, term, chat_id=team.principal_user_id)
    await services.flush()
    return bool(fresh)
