"""Agreed next steps in private: the facilitator makes a commitment in four short screens
(what, for which partner, who, by when); a person asked says yes or no; the owner answers the
check-in (gebeurd / nog niet / niet meer nodig) with an optional line.

Screens only (text and buttons, no Telegram, no storage): bot/actions/commitments.py decides
which one comes next and owes it through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.commitments import Commitment, Status
from core.model import Role, Round, Team
from core.validation import normalise_key
from prompts import Html, Texts
from storage.store import Tx

from .base import Button, Screen

# A button label stays readable on a phone.
LABEL_CHARS = 48
# In the report a person's function is named only when at least this many share it.
MIN_SHARED_ROLE = 3


@dataclass(frozen=True)
class Words:
    """The texts in the team's language, with the dates as people say them."""

    texts: Texts
    lang: str
    today: date

    def t(self, key: str, **fields: object) -> Html:
        """A prompt."""
        return self.texts.t(key, self.lang, **fields)

    def plain(self, key: str, **fields: object) -> str:
        """A prompt as plain text (a button label, a field)."""
        return self.texts.plain(key, self.lang, **fields)

    def day(self, day: date) -> str:
        """'vrijdag 18 december' (with the year when it is not this year's)."""
        fields = self.texts.date_fields(self.lang, day)
        key = "commit.date_year" if day.year != self.today.year else "commit.date"
        return self.plain(key, **fields)

    def owner(self, commitment: Commitment, name: str | None = None) -> str:
        """Who takes it on, as the facilitator reads it: a role, or the person's first name."""
        if name and commitment.owner_status in ("asked", "agreed"):
            key = "commit.owner_asked" if commitment.owner_status == "asked" else "commit.owner"
            return self.plain(key, name=name)
        if commitment.owner_role:
            return self.plain(f"map.role.{commitment.owner_role}")
        return self.plain("commit.owner_facilitator")

    def partner(self, commitment: Commitment) -> str:
        """' (CLB)' after the commitment's text, or nothing."""
        return (
            self.plain("commit.for_partner", partner=commitment.partner)
            if commitment.partner
            else ""
        )


def short(text: str) -> str:
    """A label cut to what a button shows."""
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _cancel(w: Words) -> tuple[Button, ...]:
    return (Button(w.plain("commit.btn_cancel"), "cancel"),)


def what_screen(w: Words, number: int, suggestions: Sequence[tuple[int, str]]) -> Screen:
    """What is agreed: typed in one sentence, or one of the next steps noted in step 4."""
    rows = [(Button(short(label), "sug", str(absence_id)),) for absence_id, label in suggestions]
    key = "commit.ask_what_noted" if suggestions else "commit.ask_what"
    return Screen(w.t(key, number=number), (*rows, _cancel(w)))


def partner_screen(w: Words, partners: Sequence[str]) -> Screen:
    """For which partner: the map's partners and the missing ones as buttons, or typed."""
    rows = [(Button(short(label), "partner", str(i)),) for i, label in enumerate(partners)]
    rows.append((Button(w.plain("commit.btn_no_partner"), "partner", "-"),))
    return Screen(w.t("commit.ask_partner"), (*rows, _cancel(w)))


def owner_screen(w: Words, people: Sequence[tuple[int, str]], *, facilitator: int) -> Screen:
    """Who takes it on: a function, someone of the round (asked first), or the facilitator."""
    roles = [Button(w.plain(f"map.role.{role.value}"), "owner", f"r-{role.value}") for role in Role]
    rows: list[tuple[Button, ...]] = [tuple(roles[i : i + 2]) for i in range(0, len(roles), 2)]
    rows += [
        (Button(short(name), "owner", f"u-{uid}"),) for uid, name in people if uid != facilitator
    ]
    rows.append((Button(w.plain("commit.btn_me"), "owner", "me"),))
    return Screen(w.t("commit.ask_owner"), (*rows, _cancel(w)))


def due_screen(
    w: Words, choices: Sequence[date], *, key: str = "commit.ask_due", action: str = "due"
) -> Screen:
    """By when: three dates as buttons, or a date typed in a Dutch format."""
    rows = [(Button(w.day(day), action, day.isoformat()),) for day in choices]
    cancel = () if key != "commit.ask_due" else (_cancel(w),)
    return Screen(w.t(key), (*rows, *cancel))


def saved_screen(w: Words, commitment: Commitment, owner: str, running: int, asked: bool) -> Screen:
    """The commitment as kept, how many run now, and: another one, or done."""
    due = commitment.due
    text = w.t(
        "commit.saved",
        what=commitment.what,
        partner=w.partner(commitment),
        owner=owner,
        date=w.day(due) if due else "–",
        count=running,
    )
    if asked:
        text = Html(f"{text}\n{w.t('commit.saved_asked', name=owner)}")
    rows = (
        (
            Button(w.plain("commit.btn_more"), "more"),
            Button(w.plain("commit.btn_finish"), "finish"),
        ),
    )
    return Screen(text, rows)


def ask_person_screen(w: Words, commitment: Commitment, school: str) -> Screen:
    """The private question to a person of the round: "Neem je dit op?"."""
    due = commitment.due
    text = w.t(
        "commit.ask_person",
        school=school,
        what=commitment.what,
        partner=w.partner(commitment),
        date=w.day(due) if due else "–",
    )
    rows = ((Button(w.plain("commit.btn_yes"), "yes"), Button(w.plain("commit.btn_no"), "no")),)
    return Screen(text, rows)


def checkin_screen(
    w: Words, commitment: Commitment, school: str, checkin_id: int, *, for_role: str | None
) -> Screen:
    """ONE check-in on the date: gebeurd / nog niet / niet meer nodig."""
    due = commitment.due
    fields: dict[str, object] = {
        "school": school,
        "what": commitment.what,
        "partner": w.partner(commitment),
        "date": w.day(due) if due else "–",
    }
    if for_role is not None:
        text = w.t("commit.checkin_for", owner=for_role, **fields)
    else:
        text = w.t("commit.checkin", **fields)
    arg = str(checkin_id)
    rows = (
        (Button(w.plain("commit.btn_done"), "done", arg),),
        (Button(w.plain("commit.btn_notyet"), "notyet", arg),),
        (Button(w.plain("commit.btn_dropped"), "dropped", arg),),
    )
    return Screen(text, rows)


def note_screen(w: Words, key: str, **fields: object) -> Screen:
    """After an answer: an optional line, typed, or skipped."""
    return Screen(w.t(key, **fields), ((Button(w.plain("commit.btn_skip"), "skipnote"),),))


def status_text(w: Words, commitment: Commitment) -> str:
    """loopt / gebeurd / niet meer nodig."""
    return w.plain(f"commit.status_{commitment.status.value}")


def yearly_lines(w: Words, commitments: Sequence[Commitment]) -> Html:
    """The yearly update starts from last year's commitments: each with its status, and per
    partner the question whether it came closer."""
    if not commitments:
        return Html("")
    lines = [str(w.t("commit.yearly_intro"))]
    for commitment in commitments:
        lines.append(
            str(
                w.t(
                    "commit.yearly_line",
                    what=commitment.what,
                    partner=w.partner(commitment),
                    status=status_text(w, commitment),
                )
            )
        )
    partners: list[str] = []
    for commitment in commitments:
        if commitment.partner and commitment.partner.casefold() not in {
            p.casefold() for p in partners
        }:
            partners.append(commitment.partner)
    for partner in partners:
        lines.append(str(w.t("commit.yearly_question", partner=partner)))
    return Html("\n".join(lines))


def is_running(commitment: Commitment) -> bool:
    """True while it counts in "n afspraken lopen"."""
    return commitment.status is Status.OPEN


async def report_lines(tx: Tx, texts: Texts, team: Team, round_: Round) -> list[str]:
    """The round's commitments for the report: what, partner, a function (never a name, no
    function fewer than three of the round share), the date, the status."""
    lang = team.language.value
    w = Words(texts, lang, tx.now.date())
    members = await tx.members(round_.id)
    shared = {
        role: sum(1 for m in members if m.role is role) for role in Role
    }  # how many share each function
    lines: list[str] = []
    for c in await tx.commitments_of(team.id, round_.id):
        if c.owner_user_id is not None and c.owner_user_id == c.created_by and not c.owner_role:
            owner = w.plain("commit.owner_facilitator")
        elif c.owner_role and (
            # A function chosen for the task, or one enough colleagues of the round share.
            c.owner_user_id is None
            or c.owner_status != "agreed"
            or shared.get(Role(c.owner_role), 0) >= MIN_SHARED_ROLE
        ):
            owner = w.plain(f"map.role.{c.owner_role}")
        elif c.owner_user_id is not None and c.owner_status == "agreed":
            owner = w.plain("commit.owner_colleague")
        else:
            owner = w.plain("commit.owner_facilitator")
        due = c.due
        lines.append(
            w.plain(
                "commit.report_line",
                what=c.what,
                partner=w.partner(c),
                owner=owner,
                date=w.day(due) if due else "–",
                status=status_text(w, c),
            )
        )
    return lines


async def review_line(tx: Tx, texts: Texts, team: Team, partner: str) -> Html:
    """In the yearly review, on the card of a partner the team made a commitment for last
    time: what was agreed, how it went, and "Is het CLB dichterbij gekomen?"; else empty."""
    round_id = await tx.latest_kept_round(team.id)
    if round_id is None:
        return Html("")
    key = normalise_key(partner)
    w = Words(texts, team.language.value, tx.now.date())
    found = [
        c
        for c in await tx.commitments_of(team.id, round_id)
        if c.partner and normalise_key(c.partner) == key
    ]
    if not found:
        return Html("")
    lines = [str(w.t("commit.review_line", what=c.what, status=status_text(w, c))) for c in found]
    lines.append(str(w.t("commit.yearly_question", partner=partner)))
    return Html("\n".join(lines))


async def my_commitments(tx: Tx, texts: Texts, lang: str, user_id: int) -> Html:
    """/mijngegevens: the commitments this person took on; empty when none."""
    owned = await tx.owned_commitments(user_id)
    if not owned:
        return Html("")
    w = Words(texts, lang, tx.now.date())
    lines = [str(w.t("commit.mydata_header", count=len(owned)))]
    for c in owned:
        due = c.due
        lines.append(
            str(
                w.t(
                    "commit.mydata_line",
                    what=c.what,
                    partner=w.partner(c),
                    date=w.day(due) if due else "–",
                    status=status_text(w, c),
                )
            )
        )
    return Html("\n".join(lines))
