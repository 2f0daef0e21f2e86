"""The facilitator's control message: the whole protocol as a checklist, edited in place.

One living message per facilitator's private chat (`control:<team id>`), with the buttons to
act. It is refreshed in the transaction of every change it shows (a step opened or closed, a
member done, a term set, the member check); only facilitators who opened it once get it.
"""

from __future__ import annotations

from bot import callbacks
from bot.context import Services
from core.effects import Buttons, Tap, Text
from core.model import Team
from core.protocol import FINISHABLE, LOOKING, Stage, Step, can_move
from core.records import MemberCheck
from prompts import Html
from storage.store import Tx

from . import noteview
from .common import moment_text
from .plans import RUNNING_STEPS, still_working

# The checklist's lines, in protocol order: (line key, steps during which it runs, steps
# after which it is done).
LINES = ("round", "look", "priorities", "deep", "closing", "finish", "membercheck")
ORDER = [
    Step.BRAINSTORM, Step.BRAINSTORM_CLOSED, Step.PRIORITIES, Step.PRIORITIES_CLOSED,
    Step.DEEP, Step.DEEP_CLOSED, Step.CLOSING, Step.CLOSING_CLOSED, Step.DONE,
]  # fmt: skip
RUNS = {"round": Step.BRAINSTORM, "priorities": Step.PRIORITIES, "deep": Step.DEEP,
        "closing": Step.CLOSING}  # fmt: skip
# Once step 4 closed (and after the round was kept), next steps become commitments.
COMMITTING = frozenset({Step.CLOSING_CLOSED, Step.DONE})
# What a button opens next after each settled step.
NEXT = {
    Step.BRAINSTORM_CLOSED: "priorities",
    Step.PRIORITIES_CLOSED: "deep",
    Step.DEEP_CLOSED: "closing",
    Step.CLOSING_CLOSED: "finish",
}


def key(team: Team) -> str:
    """The living key of a team's control message (one per facilitator's chat)."""
    return f"control:{team.id}"


async def facilitators(tx: Tx, team: Team) -> list[int]:
    """The principal first, then whoever the role was handed to."""
    return [team.principal_user_id, *(f.user_id for f in await tx.co_facilitators(team.id))]


async def done_count(tx: Tx, round_id: int, step: Step) -> tuple[int, int]:
    """(members done with the running step, members): counts only."""
    members = await tx.members(round_id)
    if step is Step.BRAINSTORM:
        progress = await tx.progress(round_id)
        return progress.finished, progress.joined
    picked = {m.id for m in members if await tx.priority(m.id) is not None}
    working = sum(
        1
        for m in members
        if still_working(step, Stage(m.stage), m.finished_at is not None, m.id in picked)
    )
    return len(members) - working, len(members)


async def look_count(tx: Tx, round_id: int) -> tuple[int, int]:
    """(members done with the second look, members invited to it): counts only."""
    stages = [Stage(m.stage) for m in await tx.present_members(round_id)]
    looking = [s for s in stages if s in LOOKING]
    return sum(1 for s in looking if s is Stage.LOOK_DONE), len(looking)


def next_action(
    step: Step | None,
    has_version: bool,
    check_open: bool,
    look_open: bool = False,
    check_closed: bool = False,
) -> str | None:
    """The one step the facilitator is invited to take now (a button's action), if any; after
    the member check of the kept map nothing more (the yearly update comes by itself)."""
    if look_open:
        return "lookclose"
    if step is None or step is Step.DONE:
        if has_version and not check_open and not check_closed and step is Step.DONE:
            return "mc"
        return "open" if step is None else None
    if step in RUNNING_STEPS:
        return "close"
    return NEXT.get(step)


async def view(tx: Tx, services: Services, team: Team) -> tuple[Html, Buttons]:
    """The checklist (done / now / next, counts, deadline) and the buttons to act."""
    lang = team.language.value
    t, plain = services.texts.t, services.texts.plain
    round_ = await tx.latest_round_of(team.id)
    check = await tx.open_member_check_of(team.id)
    version = await tx.latest_map_version(team.id)
    # A round that was kept shows DONE; none yet (or the kept one of an earlier year): start.
    step = Step(round_.step) if round_ is not None else None
    if round_ is not None and round_.closed_at is not None and step is not Step.DONE:
        step = None
    if round_ is not None and await tx.imported_from(round_.id) is not None:
        step = None  # an imported map (step 0): the first round with the bot comes next
    lines: list[str] = [t("control.title", lang, school=team.school_name or "")]
    position = ORDER.index(step) if step is not None else -1
    deadline: str = ""
    if round_ is not None and step in RUNNING_STEPS:
        rows = [
            p for p in await tx.planned_for(round_.id)
            if p.kind == "step_deadline" and p.status == "planned" and p.step == step.value
        ]  # fmt: skip
        if rows:
            when = moment_text(services, team, rows[-1].run_at)
            deadline = str(t("control.deadline", lang, when=when))
    extra: str
    look = await tx.look_of(round_.id) if round_ is not None and step is not None else None
    look_open = look is not None and look.is_open and step is Step.BRAINSTORM_CLOSED
    for name in LINES:
        if name == "look":
            mark, extra = _look_mark(step, look is not None, look_open), ""
            if look_open and round_ is not None:
                done, invited = await look_count(tx, round_.id)
                extra = str(t("control.count", lang, done=done, joined=invited))
            lines.append(t(f"control.mark_{mark}", lang, line=plain("look.control_line", lang))
                         + extra)  # fmt: skip
            continue
        if name == "membercheck":
            if check is not None:
                mark, extra = (
                    "now",
                    str(t("control.mc_count", lang, count=await _answered(tx, check))),
                )
            elif version is not None and step is Step.DONE:
                mark, extra = "next", ""
            else:
                mark, extra = "todo", ""
            if check is None and await _closed_check(tx, team):
                mark = "done"
            lines.append(t(f"control.mark_{mark}", lang, line=plain(f"control.line_{name}", lang))
                         + extra)  # fmt: skip
            continue
        mark = _mark(name, step, position)
        extra = ""
        if mark == "now" and round_ is not None and step in RUNNING_STEPS:
            done, joined = await done_count(tx, round_.id, step)
            extra = str(t("control.count", lang, done=done, joined=joined)) + deadline
        lines.append(
            t(f"control.mark_{mark}", lang, line=plain(f"control.line_{name}", lang)) + extra
        )
    check_closed = check is None and await _closed_check(tx, team)
    action = next_action(step, version is not None, check is not None, look_open, check_closed)
    if action is not None and action != "close":
        lines.append("")
        lines.append(t(_next_key(action), lang))
    if version is None and step is None:
        # PROTOCOL step 0 (PRE.I1): an overview the school already has can be the start.
        lines.append(t("import.hint", lang))
    running = await tx.running_commitments(team.id)
    if running:
        lines.append("")
        lines.append(t("commit.running_line", lang, count=running))
    # What the team takes from each shared step: offered here, not in a message per step.
    note_lines, note_rows = await noteview.panel(tx, services, team, round_)
    if note_lines:
        lines.append("")
        lines.extend(note_lines)
    names = [f.first_name for f in await tx.co_facilitators(team.id)]
    if names:
        lines.append("")
        lines.append(t("control.co_facilitators", lang, names=", ".join(names)))
    markup = buttons(services, team, step, action, version is not None, check is not None)
    # The notes' buttons come just above the team's button (the last row).
    return Html("\n".join(lines)), (*markup[:-1], *note_rows, *markup[-1:])


def _next_key(action: str) -> str:
    """The sentence naming the step a button takes (the second look's is its own)."""
    return "look.control_next" if action == "lookclose" else f"control.next_{action}"


def _look_mark(step: Step | None, had_look: bool, look_open: bool) -> str:
    """done / now / next / todo for the second look (a sub-stage of 2B, after the map)."""
    if look_open:
        return "now"
    if step is None:
        return "todo"
    if had_look or ORDER.index(step) > ORDER.index(Step.BRAINSTORM_CLOSED):
        return "done"
    return "next" if step is Step.BRAINSTORM_CLOSED else "todo"


def _mark(name: str, step: Step | None, position: int) -> str:
    """done / now / next / todo for one line of the checklist."""
    if step is None:
        return "next" if name == "round" else "todo"
    if name == "finish":
        return "done" if step is Step.DONE else ("next" if step in FINISHABLE else "todo")
    running = RUNS[name]
    start = ORDER.index(running)
    if step is running:
        return "now"
    if position > start:
        return "done" if name == "round" or position > start else "todo"
    if NEXT.get(step) == name:
        return "next"
    return "todo"


async def _answered(tx: Tx, check: MemberCheck) -> int:
    """Colleagues who finished the check (counts only)."""
    responses = await tx.mc_responses(int(check.id))
    return sum(1 for r in responses if r.respondent.finished_at is not None)


async def _closed_check(tx: Tx, team: Team) -> bool:
    version = await tx.latest_map_version(team.id)
    return version is not None and await tx.member_check_closed_for(int(version.id))


def buttons(
    services: Services,
    team: Team,
    step: Step | None,
    action: str | None,
    has_version: bool,
    check_open: bool,
) -> Buttons:
    """The buttons under the checklist: the next step first, then the map and the team."""
    lang = team.language.value
    plain = services.texts.plain
    rows: list[tuple[Tap, ...]] = []

    def tap(label: str, act: str, arg: str = "") -> Tap:
        return Tap(plain(label, lang), callbacks.guide(team.id, act, arg))

    if action == "close" and step is not None:
        rows.append((tap(f"btn.guide_close_{step.value}", "close", step.value),))
    elif action == "mc":
        rows.append((tap("btn.guide_mc", "mc"),))
    elif action == "lookclose":
        rows.append((tap("look.btn.close", action),))
    elif action is not None:
        if action == "deep" and step is Step.PRIORITIES_CLOSED:
            # One tap from here: the most-picked priority partner (002: "bv. prioritair").
            rows.append((tap("btn.guide_deepgo", "deepgo"),))
        rows.append((tap(f"btn.guide_{action}", action),))
    if step is Step.DEEP_CLOSED:
        rows.append((tap("btn.guide_deep_again", "deep"),))
    if step in COMMITTING:
        rows.append((tap("commit.btn_start", "commit"),))
    if step is not None and step in FINISHABLE and action != "finish":
        rows.append((tap("btn.guide_finish", "finish"),))
    if check_open:
        rows.append((tap("btn.guide_mc_close", "mcclose"),))
    if step is not None and step is not Step.BRAINSTORM:
        rows.append((tap("btn.guide_map", "map"), tap("btn.guide_export", "export")))
    if has_version:
        rows.append((tap("btn.guide_report", "report"),))
    rows.append((tap("btn.guide_team", "team"),))
    return tuple(rows)


async def refresh(tx: Tx, services: Services, team: Team) -> None:
    """Edit every facilitator's control message that exists (or is on its way)."""
    # A step reached the group: the note taker (if chosen) is offered its note.
    await noteview.offer_note_taker(tx, services, team)
    # Most teams' members act far more often than the panel is open: look before drawing.
    owed = [u for u in await facilitators(tx, team) if await tx.owes(u, key(team))]
    if not owed:
        return
    text, markup = await view(tx, services, team)
    for user_id in owed:
        await tx.enqueue(Text(user_id, text, markup, living=key(team)), team.id)


async def show(tx: Tx, services: Services, team: Team, user_id: int) -> None:
    """A new control message at the bottom of this facilitator's chat (the key follows it)."""
    text, markup = await view(tx, services, team)
    await tx.enqueue(Text(user_id, text, markup, living=key(team), fresh=True), team.id)


async def nudge(tx: Tx, services: Services, team: Team) -> None:
    """After a step closed: a short new message naming the next step, with its button."""
    round_ = await tx.latest_round_of(team.id)
    if round_ is None:
        return
    step = Step(round_.step)
    action = NEXT.get(step) or ("mc" if step is Step.DONE else None)
    look = await tx.look_of(round_.id)
    if action is None or (step is Step.BRAINSTORM_CLOSED and look is not None and look.is_open):
        # While the second look runs, its own message (with the close button) names it.
        return
    lang = team.language.value
    label = "btn.guide_mc" if action == "mc" else f"btn.guide_{action}"
    button = Tap(services.texts.plain(label, lang), callbacks.guide(team.id, action))
    text = services.texts.t(f"control.next_{action}", lang)
    rows: Buttons = ((button,),)
    if step is Step.CLOSING_CLOSED:
        # The team's next steps become a few commitments before the round is kept.
        commit = Tap(
            services.texts.plain("commit.btn_start", lang), callbacks.guide(team.id, "commit")
        )
        text = services.texts.t("commit.next_commitments", lang)
        rows = ((commit,), (button,))
    for user_id in await facilitators(tx, team):
        if await tx.owes(user_id, key(team)):
            await tx.enqueue(Text(user_id, text, rows), team.id)


def may_open(step: Step | None, action: str) -> bool:
    """Whether a step's button still fits where the round is (a stale button does nothing)."""
    target = {"priorities": Step.PRIORITIES, "deep": Step.DEEP, "closing": Step.CLOSING}
    if action == "open":
        return step is None or step is Step.DONE
    if action == "deepgo":
        action = "deep"
    if action == "finish":
        return step is not None and step in FINISHABLE
    if action in target:
        return step is not None and can_move(step, target[action])
    return False
