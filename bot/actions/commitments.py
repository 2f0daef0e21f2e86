"""Agreed next steps that get followed up: making a commitment, "Neem je dit op?", the one
check-in on its date, and what the report, the control message and the yearly update show.

Every message here goes through the outbox in the transaction that decides it; the check-in
is a planned row (kind commitment_checkin) carried out by the ticker, and the check-in itself
is a row with UNIQUE (commitment, date): one check-in per commitment and date, also when a
planned row would run twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import callbacks
from bot.callbacks import CommitmentTap
from bot.context import Services
from bot.dialogs import commitments as dialog
from bot.dialogs import mapview
from bot.dialogs.base import Button, Screen
from core.commitments import (
    MAX_PER_ROUND,
    Answer,
    Commitment,
    Status,
    after_answer,
    checkin_moment,
    clean_what,
    date_choices,
    parse_date,
)
from core.effects import Text
from core.model import Role, Round, Team
from core.protocol import Step
from core.records import Planned
from core.schedule import MAX_YEARS_AHEAD
from core.validation import Problem, clean_answer, clean_partner_name
from prompts import Html, Texts
from storage.store import Tx

from . import control, notes
from .calendar import team_window
from .common import to_buttons

# Commitments are made once the closing step has closed (and after the round was kept).
READY_STEPS = frozenset({Step.CLOSING_CLOSED.value, Step.DONE.value})
# A half-made commitment stops catching the facilitator's typed messages after this long.
INPUT_TTL = timedelta(hours=1)
MAX_PARTNERS = 8


def _words(services: Services, team: Team, tx: Tx) -> dialog.Words:
    today = tx.now.astimezone(services.zone(team)).date()
    return dialog.Words(services.texts, team.language.value, today)


async def _owe(tx: Tx, team: Team, chat_id: int, screen: Screen, commitment_id: int) -> None:
    """A screen as a message in the outbox, its buttons about this commitment."""

    def encode(button: Button) -> str:
        return callbacks.commitment(commitment_id, button.action, button.arg)

    await tx.enqueue(Text(chat_id, screen.text, to_buttons(screen, encode)), team.id)


async def _say(tx: Tx, team: Team, chat_id: int, text: Html) -> None:
    await tx.enqueue(Text(chat_id, text), team.id)


async def _ready_round(tx: Tx, team: Team) -> Round | None:
    """The round whose next steps become commitments: the latest, once step 4 closed."""
    round_ = await tx.latest_round_of(team.id)
    if round_ is None or round_.step not in READY_STEPS:
        return None
    return round_


# -- making a commitment (the facilitator) ----------------------------------------------------


async def start(services: Services, team: Team, user_id: int) -> str | None:
    """The facilitator starts a commitment: its first screen; a toast key when not now."""
    async with services.store.tx() as tx:
        key = await _start(tx, services, team, user_id)
    await services.flush()
    return key


async def _start(tx: Tx, services: Services, team: Team, user_id: int) -> str | None:
    round_ = await _ready_round(tx, team)
    if round_ is None:
        return "commit.not_now"
    await tx.drop_drafts(team.id, user_id)
    made = await tx.commitments_of(team.id, round_.id)
    if len(made) >= MAX_PER_ROUND:
        return "commit.too_many"
    commitment = await tx.add_commitment(team.id, round_.id, user_id)
    await tx.expect_input(user_id, commitment.id, "what")
    suggestions = [
        (a.id, f"{a.description}: {a.steps}" if a.steps else a.description)
        for a in await tx.absences(round_.id)
    ]
    screen = dialog.what_screen(_words(services, team, tx), len(made) + 1, suggestions)
    await _owe(tx, team, user_id, screen, commitment.id)
    return None


async def _partners(tx: Tx, round_: Round) -> list[str]:
    """The partners offered as buttons: the missing ones noted in step 4, then the map's
    partners most often named."""
    labels = [a.description for a in await tx.absences(round_.id)]
    team_map = await mapview.load(tx, round_)
    ranked = sorted(team_map.nodes, key=lambda n: (-n.mention_count, n.label.casefold()))
    labels += [n.label for n in ranked]
    unique: list[str] = []
    for label in labels:
        if label.casefold() not in {u.casefold() for u in unique}:
            unique.append(label)
    return unique[:MAX_PARTNERS]


async def _people(tx: Tx, round_: Round) -> list[tuple[int, str]]:
    """Who of the round can be asked to take it on (still in the group)."""
    return [(m.user_id, m.first_name or "?") for m in await tx.present_members(round_.id)]


async def _ask_partner(tx: Tx, services: Services, team: Team, c: Commitment, user_id: int) -> None:
    round_ = await tx.round(c.round_id)
    await tx.expect_input(user_id, c.id, "partner")
    screen = dialog.partner_screen(_words(services, team, tx), await _partners(tx, round_))
    await _owe(tx, team, user_id, screen, c.id)


async def _ask_owner(tx: Tx, services: Services, team: Team, c: Commitment, user_id: int) -> None:
    round_ = await tx.round(c.round_id)
    await tx.expect_input(user_id, c.id, "owner")
    w = _words(services, team, tx)
    screen = dialog.owner_screen(w, await _people(tx, round_), facilitator=user_id)
    await _owe(tx, team, user_id, screen, c.id)


async def _ask_due(tx: Tx, services: Services, team: Team, c: Commitment, user_id: int) -> None:
    await tx.expect_input(user_id, c.id, "due")
    w = _words(services, team, tx)
    await _owe(tx, team, user_id, dialog.due_screen(w, date_choices(w.today)), c.id)


async def _owner_name(tx: Tx, c: Commitment) -> str | None:
    """The first name of the person asked or agreed (for the facilitator only)."""
    if c.owner_user_id is None:
        return None
    member = await tx.member_of(c.round_id, c.owner_user_id)
    return member.first_name if member is not None else None


async def _plan(tx: Tx, services: Services, team: Team, c: Commitment) -> None:
    """The check-in of the commitment's date, as a planned row."""
    due = c.due
    if due is None:
        return
    # Closed on school holidays and the school's own free days: the check-in waits for the
    # next school day's opening.
    window = await team_window(tx, services, team)
    await tx.plan_checkin(c, checkin_moment(due, window, services.zone(team)))


async def _save(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, due: date
) -> None:
    """The date is the last piece: the commitment runs, its check-in is planned, the person
    chosen is asked, the facilitator sees it kept."""
    c = await tx.update_commitment(c.id, due_date=due.isoformat(), status=Status.OPEN)
    await tx.clear_input(user_id)
    await _plan(tx, services, team, c)
    w = _words(services, team, tx)
    asked = c.owner_status == "asked" and c.owner_user_id is not None
    if asked and c.owner_user_id is not None:
        person_w = w
        await _owe(tx, team, c.owner_user_id,
                   dialog.ask_person_screen(person_w, c, team.school_name or ""), c.id)  # fmt: skip
    owner = w.owner(c, await _owner_name(tx, c))
    running = await tx.running_commitments(team.id)
    await _owe(tx, team, user_id, dialog.saved_screen(w, c, owner, running, asked), c.id)
    await control.refresh(tx, services, team)


async def _is_facilitator(tx: Tx, team: Team, user_id: int) -> bool:
    return user_id in await control.facilitators(tx, team)


async def _making(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, tap: CommitmentTap
) -> str | None:
    """A button while the facilitator makes (or re-assigns) a commitment."""
    if not await _is_facilitator(tx, team, user_id):
        return "map.only_principal"
    expected = await tx.commitment_input(user_id)
    field = expected[1] if expected is not None and expected[0] == c.id else None
    w = _words(services, team, tx)
    if tap.action == "more" and c.status is not Status.DRAFT:
        await tx.clear_input(user_id)
        return await _start(tx, services, team, user_id)
    if tap.action == "finish" and c.status is not Status.DRAFT:
        await tx.clear_input(user_id)
        running = await tx.running_commitments(team.id)
        await _say(tx, team, user_id, w.t("commit.finished", count=running))
        return None
    if tap.action == "reowner" and c.status is Status.OPEN and c.owner_status == "declined":
        await _ask_owner(tx, services, team, c, user_id)
        return None
    if tap.action == "cancel" and c.status is Status.DRAFT:
        await tx.delete_commitment(c.id)
        await tx.clear_input(user_id)
        await _say(tx, team, user_id, w.t("commit.cancelled"))
        return None
    if c.status is Status.DRAFT and tap.action == "sug" and field == "what":
        absence = next((a for a in await tx.absences(c.round_id) if str(a.id) == tap.arg), None)
        if absence is None:
            return "err.stale"
        what = absence.steps or w.plain("commit.contact", partner=absence.description)
        c = await tx.update_commitment(
            c.id, what=clean_what(what) or what[:200], partner=absence.description
        )
        await _ask_owner(tx, services, team, c, user_id)
        return None
    if c.status is Status.DRAFT and tap.action == "partner" and field == "partner":
        partners = await _partners(tx, await tx.round(c.round_id))
        if tap.arg == "-":
            partner = None
        elif tap.arg.isdigit() and int(tap.arg) < len(partners):
            partner = partners[int(tap.arg)]
        else:
            return "err.stale"
        c = await tx.update_commitment(c.id, partner=partner)
        await _ask_owner(tx, services, team, c, user_id)
        return None
    if tap.action == "owner" and field == "owner":
        return await _set_owner(tx, services, team, c, user_id, tap.arg)
    if tap.action == "due" and field == "due" and c.status is Status.DRAFT:
        due = _button_date(tap.arg, w.today)
        if due is None:
            return "err.stale"
        await _save(tx, services, team, c, user_id, due)
        return None
    return "err.stale"


def _button_date(arg: str, today: date) -> date | None:
    """The date a date button carries, if it is one we could have offered (after today,
    within two years); None for an old or forged button."""
    try:
        day = date.fromisoformat(arg)
    except ValueError:
        return None
    if day <= today or day.year > today.year + MAX_YEARS_AHEAD:
        return None
    return day


async def _set_owner(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, arg: str
) -> str | None:
    """A function, a person of the round (asked first) or the facilitator takes it on."""
    round_ = await tx.round(c.round_id)
    if arg.startswith("r-"):
        try:
            role = Role(arg[2:])
        except ValueError:
            return "err.stale"
        c = await tx.update_commitment(
            c.id, owner_role=role.value, owner_user_id=None, owner_status="none"
        )
    elif arg == "me":
        member = await tx.member_of(round_.id, user_id)
        role_value = member.role.value if member is not None and member.role else None
        c = await tx.update_commitment(
            c.id, owner_user_id=user_id, owner_status="agreed", owner_role=role_value
        )
    elif arg.startswith("u-") and arg[2:].isdigit():
        person = int(arg[2:])
        if person not in {uid for uid, _ in await _people(tx, round_)}:
            return "err.stale"
        c = await tx.update_commitment(
            c.id, owner_user_id=person, owner_status="asked", owner_role=None
        )
    else:
        return "err.stale"
    if c.status is Status.DRAFT:
        await _ask_due(tx, services, team, c, user_id)
        return None
    # Re-assigned after someone said no: the date stays, the new person is asked.
    await tx.clear_input(user_id)
    w = _words(services, team, tx)
    if c.owner_status == "asked" and c.owner_user_id is not None:
        await _owe(tx, team, c.owner_user_id,
                   dialog.ask_person_screen(w, c, team.school_name or ""), c.id)  # fmt: skip
    owner = w.owner(c, await _owner_name(tx, c))
    await _say(tx, team, user_id, w.t("commit.owner_changed", what=c.what, owner=owner))
    return None


# -- the person asked, and the check-in -------------------------------------------------------


async def _agree(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, yes: bool
) -> str | None:
    """The person asked says yes (they get the check-in) or no (the facilitator is told)."""
    if c.owner_user_id != user_id or c.owner_status != "asked" or c.status is not Status.OPEN:
        return "commit.already"
    w = _words(services, team, tx)
    member = await tx.member_of(c.round_id, user_id)
    name = member.first_name if member is not None else "?"
    facilitator = await _facilitator_for(tx, team, c)
    if yes:
        role = member.role.value if member is not None and member.role else None
        c = await tx.update_commitment(c.id, owner_status="agreed", owner_role=role)
        due = c.due
        await _say(tx, team, user_id, w.t("commit.person_yes", date=w.day(due) if due else "–"))
        await _say(tx, team, facilitator, w.t("commit.told_yes", name=name, what=c.what))
        return None
    c = await tx.update_commitment(c.id, owner_status="declined", owner_user_id=None)
    await _say(tx, team, user_id, w.t("commit.person_no"))
    screen = Screen(
        w.t("commit.told_no", name=name, what=c.what),
        ((Button(w.plain("commit.btn_other_owner"), "reowner"),),),
    )
    await _owe(tx, team, facilitator, screen, c.id)
    return None


async def _facilitator_for(tx: Tx, team: Team, c: Commitment) -> int:
    """Who follows up for the team: the facilitator who made it, while they lead; else the
    principal."""
    leading = await control.facilitators(tx, team)
    if c.created_by is not None and c.created_by in leading:
        return c.created_by
    return team.principal_user_id


async def _checkin_target(
    tx: Tx, services: Services, team: Team, c: Commitment
) -> tuple[int, str | None]:
    """(chat, None) for the owner who agreed and is still in the team; else the facilitator,
    with the owner as the facilitator reads it (a function, the person still asked, 'a
    colleague who left'), or None when it was the facilitator's own."""
    w = _words(services, team, tx)
    facilitator = await _facilitator_for(tx, team, c)
    if c.owner_status == "agreed" and c.owner_user_id is not None:
        member = await tx.member_of(c.round_id, c.owner_user_id)
        leading = await control.facilitators(tx, team)
        present = member is not None and member.left_at is None
        if (present or c.owner_user_id in leading) and not await tx.blocked([c.owner_user_id]):
            return c.owner_user_id, None
        return facilitator, w.plain("commit.owner_gone")
    if c.owner_status == "asked":
        return facilitator, w.owner(c, await _owner_name(tx, c))
    if c.owner_role:
        return facilitator, w.owner(c)
    return facilitator, None


async def checkin(tx: Tx, services: Services, team: Team, row: Planned) -> None:
    """The planned check-in of a commitment: ONE message on its date, to the owner (or the
    facilitator); nothing when it is no longer running or its date moved."""
    if row.commitment_id is None:
        return
    c = await tx.commitment(row.commitment_id)
    if c is None or c.status is not Status.OPEN or c.due is None or c.due_date != row.step:
        return
    chat_id, for_role = await _checkin_target(tx, services, team, c)
    checkin_id = await tx.record_checkin(c.id, c.due, chat_id)
    if checkin_id is None:
        return  # this date's check-in went out already
    w = _words(services, team, tx)
    screen = dialog.checkin_screen(w, c, team.school_name or "", checkin_id, for_role=for_role)
    await _owe(tx, team, chat_id, screen, c.id)


async def _answer(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, tap: CommitmentTap
) -> str | None:
    """gebeurd / nog niet / niet meer nodig, once per check-in."""
    if not tap.arg.isdigit():
        return "err.stale"
    found = await tx.checkin(int(tap.arg))
    if found is None or found.commitment_id != c.id or found.chat_id != user_id:
        return "err.stale"
    if c.status is not Status.OPEN or not await tx.answer_checkin(found.id, tap.action):
        return "commit.already"
    answer = Answer(tap.action)
    status, new_date = after_answer(c, answer)
    w = _words(services, team, tx)
    if status is not Status.OPEN:
        await tx.update_commitment(c.id, status=status, closed_at=tx.now)
        await tx.cancel_checkins(c.id)
        await tx.expect_input(user_id, c.id, "note")
        key = "commit.answer_done" if answer is Answer.DONE else "commit.answer_dropped"
        await _owe(tx, team, user_id, dialog.note_screen(w, key), c.id)
    elif new_date:
        await tx.update_commitment(c.id, postponed=c.postponed + 1)
        await tx.expect_input(user_id, c.id, "newdate")
        screen = dialog.due_screen(
            w, date_choices(w.today), key="commit.answer_notyet", action="newdate"
        )
        await _owe(tx, team, user_id, screen, c.id)
    else:
        await tx.expect_input(user_id, c.id, "note")
        await _owe(tx, team, user_id, dialog.note_screen(w, "commit.answer_notyet_last"), c.id)
    await control.refresh(tx, services, team)
    return None


async def _new_date(
    tx: Tx, services: Services, team: Team, c: Commitment, user_id: int, due: date
) -> None:
    """After "nog niet": the new date, asked once; its check-in is planned."""
    c = await tx.update_commitment(c.id, due_date=due.isoformat())
    await tx.clear_input(user_id)
    await _plan(tx, services, team, c)
    w = _words(services, team, tx)
    await _say(tx, team, user_id, w.t("commit.newdate_saved", date=w.day(due)))


async def tap(services: Services, user_id: int, tapped: CommitmentTap) -> str | None:
    """Any commitment button; the toast (plain text) when it changes nothing (old, not
    theirs), else None."""
    lang = services.settings.language.value
    async with services.store.tx() as tx:
        c = await tx.commitment(tapped.commitment_id)
        if c is not None:
            lang = (await tx.team(c.team_id)).language.value
        key = await _tap(tx, services, user_id, tapped)
        kept = await _kept_round(tx, tapped, user_id) if key is None else None
    await services.flush()
    if kept is not None:
        # Agreed after /afronden: the kept report is rewritten with them and sent again.
        await notes.revise_reports(services, *kept, user_id, only_if_changed=True)
    return services.texts.plain(key, lang) if key is not None else None


async def _kept_round(tx: Tx, tapped: CommitmentTap, user_id: int) -> tuple[Team, Round] | None:
    """The finished round whose kept report must list the commitments the facilitator just
    finished making (their "Klaar" after /afronden); None otherwise."""
    c = await tx.commitment(tapped.commitment_id)
    if tapped.action != "finish" or c is None:
        return None
    round_ = await tx.round(c.round_id)
    team = await tx.team(c.team_id)
    if round_.step != Step.DONE.value or not await tx.round_versions(round_.id):
        return None
    return (team, round_) if await _is_facilitator(tx, team, user_id) else None


async def _tap(tx: Tx, services: Services, user_id: int, tapped: CommitmentTap) -> str | None:
    c = await tx.commitment(tapped.commitment_id)
    if c is None:
        return "err.stale"
    team = await tx.team(c.team_id)
    if tapped.action in ("yes", "no"):
        return await _agree(tx, services, team, c, user_id, tapped.action == "yes")
    if tapped.action in {a.value for a in Answer}:
        return await _answer(tx, services, team, c, user_id, tapped)
    expected = await tx.commitment_input(user_id)
    mine = expected is not None and expected[0] == c.id
    if tapped.action == "skipnote":
        if not mine or expected is None or expected[1] != "note":
            return "commit.already"
        await tx.clear_input(user_id)
        await _say(tx, team, user_id, _words(services, team, tx).t("commit.note_skipped"))
        return None
    if tapped.action == "newdate":
        if not mine or expected is None or expected[1] != "newdate":
            return "commit.already"
        due = _button_date(tapped.arg, _words(services, team, tx).today)
        if due is None:
            return "err.stale"
        await _new_date(tx, services, team, c, user_id, due)
        return None
    return await _making(tx, services, team, c, user_id, tapped)


async def text(services: Services, user_id: int, typed: str) -> bool:
    """A typed message for a commitment (its text, partner, date or a line); False when the
    person is typing for no commitment (the message goes to their other conversations)."""
    async with services.store.tx() as tx:
        handled = await _text(tx, services, user_id, typed)
    if handled:
        await services.flush()
    return handled


async def _text(tx: Tx, services: Services, user_id: int, typed: str) -> bool:
    expected = await tx.commitment_input(user_id)
    if expected is None:
        return False
    commitment_id, field = expected
    c = await tx.commitment(commitment_id)
    since = await tx.commitment_input_since(user_id)
    if c is None or since is None or tx.now - since > INPUT_TTL:
        await tx.clear_input(user_id)
        return False
    team = await tx.team(c.team_id)
    w = _words(services, team, tx)
    if field in ("what", "partner", "owner", "due") and not await _is_facilitator(
        tx, team, user_id
    ):
        await tx.clear_input(user_id)
        return False
    if field == "what":
        what = clean_what(typed)
        if what is None:
            await _say(tx, team, user_id, w.t("commit.bad_what"))
            return True
        c = await tx.update_commitment(c.id, what=what)
        await _ask_partner(tx, services, team, c, user_id)
    elif field == "partner":
        partner = clean_partner_name(typed)
        if isinstance(partner, Problem):
            await _say(tx, team, user_id, w.t(partner.key, **partner.fields))
            return True
        c = await tx.update_commitment(c.id, partner=partner)
        await _ask_owner(tx, services, team, c, user_id)
    elif field == "owner":
        await _say(tx, team, user_id, w.t("commit.use_buttons"))
    elif field in ("due", "newdate"):
        due = parse_date(typed, w.today)
        if due is None:
            await _say(tx, team, user_id, w.t("commit.bad_date"))
            return True
        if field == "due":
            await _save(tx, services, team, c, user_id, due)
        else:
            await _new_date(tx, services, team, c, user_id, due)
    elif field == "note":
        note = clean_answer(typed)
        if isinstance(note, Problem):
            await _say(tx, team, user_id, w.t(note.key, **note.fields))
            return True
        await tx.update_commitment(c.id, note=note, note_by=user_id)
        await tx.clear_input(user_id)
        await _say(tx, team, user_id, w.t("commit.note_saved"))
    return True


# -- what others show --------------------------------------------------------------------------


def running_line(texts: Texts, team: Team, count: int) -> Html:
    """ "3 afspraken lopen" (the control message, the map's caption); empty for none."""
    if count <= 0:
        return Html("")
    return texts.t("commit.running_line", team.language.value, count=count)


async def yearly_text(tx: Tx, services: Services, team: Team) -> Html:
    """What the yearly update starts from: last year's commitments and, per partner, "Is het
    CLB dichterbij gekomen?"; empty when there were none."""
    round_id = await tx.latest_kept_round(team.id)
    if round_id is None:
        return Html("")
    return dialog.yearly_lines(
        _words(services, team, tx), await tx.commitments_of(team.id, round_id)
    )
