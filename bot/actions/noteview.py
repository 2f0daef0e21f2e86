"""The team's notes as facilitators and the note taker see them: the lines and buttons on the
control message, the overview of every note, the questions that ask for one.

Kept apart from `notes` (the use cases) so that the control message, opening a round and
finishing can show and ask without importing what they are imported by.
"""

from __future__ import annotations

from bot import callbacks
from bot.context import Services
from bot.dialogs import mapview
from core.effects import Tap, Text
from core.model import Round, Team
from core.notes import Item, Shared, available, pending
from core.protocol import Step
from prompts import Html
from storage.store import Tx

# The group has seen the priority picks once the map shows them (mapview hides them before).
_PICKS_SHOWN = frozenset(
    {Step.PRIORITIES_CLOSED, Step.DEEP, Step.DEEP_CLOSED, Step.CLOSING, Step.CLOSING_CLOSED,
     Step.DONE}
)  # fmt: skip
# How much of a note the overview repeats (the whole text is in the report).
PREVIEW = 160


def living_key(team: Team) -> str:
    """The living key of the note taker's overview (one per chat, moved down when offered)."""
    return f"notes:{team.id}"


async def shared(tx: Tx, team: Team, round_: Round) -> Shared:
    """What the group has received of this round so far."""
    step = Step(round_.step)
    picked = False
    if step in _PICKS_SHOWN:
        picked = any([await tx.priority(m.id) is not None for m in await tx.members(round_.id)])
    return Shared(
        intro=round_.intro_posted_at is not None,
        map=await tx.shown_map(team.chat_id, round_.id) is not None,
        priorities=picked,
        deep=bool(await tx.closed_deep_sessions(round_.id)),
        closing=mapview.closing_shared(round_),
        done=step is Step.DONE,
    )


def write_arg(item: Item, round_: Round) -> str:
    """What a note's button carries: the note and its round (an old round's button is stale)."""
    return f"{item.value}:{round_.id}"


def label(services: Services, team: Team, item: Item) -> str:
    """The short name of a note ('de netwerkkaart')."""
    return services.texts.plain(f"notes.item_{item.value}", team.language.value)


def _tap(services: Services, team: Team, key: str, action: str, arg: str = "", **fields: object
         ) -> Tap:  # fmt: skip
    return Tap(services.texts.plain(key, team.language.value, **fields),
               callbacks.note(team.id, action, arg))  # fmt: skip


async def panel(
    tx: Tx, services: Services, team: Team, round_: Round | None
) -> tuple[list[Html], tuple[tuple[Tap, ...], ...]]:
    """The control message's lines about the notes and its buttons: the newest note still to
    write first (INTRO.I1 itself while the aim is open during the brainstorm), then all."""
    lang = team.language.value
    t = services.texts.t
    if round_ is None:
        # Step 0 (PRE.I1, PRE.I2): before the team's first round.
        return [t("notes.panel_before", lang)], ()
    if round_.closed_at is not None and round_.step != Step.DONE.value:
        return [], ()
    now = await shared(tx, team, round_)
    items = available(now)
    written = await tx.team_notes(round_.id)
    lines: list[Html] = []
    if Item.AIM.value not in written and round_.step == Step.BRAINSTORM.value:
        lines.append(t("notes.panel_aim", lang))
    done = sum(1 for item in items if item.value in written)
    lines.append(t("notes.panel_count", lang, written=done, count=len(items)))
    rows: list[tuple[Tap, ...]] = []
    todo = pending(now, set(written))
    if todo is not None:
        rows.append((_tap(services, team, "notes.btn_write", "write", write_arg(todo, round_),
                          label=label(services, team, todo)),))  # fmt: skip
    rows.append((_tap(services, team, "notes.btn_overview", "list", written=done,
                      count=len(items)),))  # fmt: skip
    return lines, tuple(rows)


async def overview(
    tx: Tx, services: Services, team: Team, round_: Round, user_id: int, *, facilitator: bool
) -> Text:
    """Every note that can be written now with its text (or that it is still open), and a
    button per note; a facilitator can also choose the note taker here."""
    lang = team.language.value
    t = services.texts.t
    written = await tx.team_notes(round_.id)
    items = available(await shared(tx, team, round_))
    lines = []
    for item in items:
        name = label(services, team, item)
        text = written.get(item.value)
        if text:
            preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
            lines.append(t("notes.line_written", lang, label=name, text=preview))
        else:
            lines.append(t("notes.line_empty", lang, label=name))
    rows: list[tuple[Tap, ...]] = [
        (_tap(services, team, "notes.btn_item", "write", write_arg(item, round_),
              label=label(services, team, item)),)
        for item in items
    ]  # fmt: skip
    if facilitator:
        rows.append((_tap(services, team, "notes.btn_taker", "taker"),))
    text = t("notes.overview", lang, lines=Html("\n".join(lines)))
    return Text(user_id, text, tuple(rows))


def question(services: Services, team: Team, item: Item) -> Html:
    """What a note asks (INTRO.I1 for the aim)."""
    return services.texts.t(f"notes.ask_{item.value}", team.language.value)


async def ask_aim(tx: Tx, services: Services, team: Team, round_: Round, facilitators: list[int],
                  panel_owners: set[int]) -> None:  # fmt: skip
    """A round opened: INTRO.I1 goes to every facilitator; the control message asks it for
    those who have one, the others get one message with the button."""
    lang = team.language.value
    button = _tap(services, team, "notes.btn_write", "write", write_arg(Item.AIM, round_),
                  label=label(services, team, Item.AIM))  # fmt: skip
    for user_id in facilitators:
        if user_id not in panel_owners:
            text = services.texts.t("notes.aim_message", lang)
            await tx.enqueue(Text(user_id, text, ((button,),)), team.id)


async def ask_reflection(tx: Tx, services: Services, team: Team, round_: Round,
                         facilitators: list[int]) -> None:  # fmt: skip
    """The round was kept: the closing question on the method, to every facilitator (once;
    nothing when it was answered already)."""
    if Item.REFLECTION.value in await tx.team_notes(round_.id):
        return
    lang = team.language.value
    text = services.texts.t("notes.reflection_message", lang,
                            question=question(services, team, Item.REFLECTION))  # fmt: skip
    button = _tap(services, team, "notes.btn_answer", "write", write_arg(Item.REFLECTION, round_))
    for user_id in facilitators:
        await tx.enqueue(Text(user_id, text, ((button,),)), team.id)


async def offer_note_taker(tx: Tx, services: Services, team: Team) -> None:
    """The note taker gets the overview again, as a new message, each time a newer note can be
    written (a step reached the group); once per note."""
    round_ = await tx.latest_round_of(team.id)
    if round_ is None:
        return
    taker = await tx.note_taker(round_.id)
    if taker is None:
        return
    _member_id, user_id, offered = taker
    items = available(await shared(tx, team, round_))
    newest = items[-1].value
    if newest == offered:
        return
    await tx.set_note_offered(round_.id, newest)
    view = await overview(tx, services, team, round_, user_id, facilitator=False)
    await tx.enqueue(Text(user_id, view.text, view.buttons, living=living_key(team), fresh=True),
                     team.id)  # fmt: skip
