"""callback_data codec: what a button carries, at most 64 bytes, never a name typed by a person.

Dialog buttons:  d:<member_id>:<screen_seq>:<action>:<arg>
Person buttons:  p:<action>:<arg>          (about the person themself, e.g. /vergeetmij)
Merge questions: m:<suggestion_id>:<merge|apart>   (for the principal, in the group)
Category ties:   t:<round_id>:<node key hash>:<category>   (for the principal, in the group)
Map editor:      e:<screen_seq>:<action>:<arg>              (the principal's /bewerk)
Step 3 choice:   v:<session_id>:<tog|go>:<node key hash>    (the principal, in the group)
Member check:    c:<respondent_id>:<screen_seq>:<action>:<arg>
New round:       y:<team_id>                                (the yearly reminder's button)
Step term:       k:<round_id>:<step>:<term>                 (a deadline for the step just opened)
Take over:       g:<team_id>                                (an admin becomes the team's leader)
Focus group:     s:<check_id>:<1|0>                         (may they answer the member check?)
Add to the map:  a:<addition_id>                            (a partner missed in the member check)
                 a:<addition_id>:<c|d>:<value>              (... its category, then its distance)
Control message: f:<team_id>:<action>:<arg>                 (a facilitator, in private)
Commitment:      o:<commitment_id>:<action>:<arg>           (making one, agreeing, its check-in)
Team notes:      n:<team_id>:<action>:<arg>                 (a facilitator or the note taker)
Map in words:    w:<round_id>:<l|o|p>:<arg>                 (anyone in the team, under a map)
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
# Ids are SQLite integers: signed 64-bit.
MAX_ID = 2**63 - 1


def is_id(raw: str) -> bool:
    """True for a number we could have put on a button: ASCII digits only (not '²' or '٣',
    which pass str.isdigit()), at most a signed 64-bit integer."""
    return 0 < len(raw) <= 19 and raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID


@dataclass(frozen=True)
class DialogTap:
    """A tap on a button of a member's dialog screen."""

    member_id: int
    seq: int
    action: str
    arg: str


@dataclass(frozen=True)
class PersonTap:
    """A tap on a button about the person themself."""

    action: str
    arg: str


def _check(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def dialog(member_id: int, seq: int, action: str, arg: str = "") -> str:
    """Encode a dialog button."""
    if ":" in action:
        raise ValueError("action may not contain ':'")
    return _check(f"d:{member_id}:{seq}:{action}:{arg}")


def person(action: str, arg: str = "") -> str:
    """Encode a person-level button."""
    if ":" in action:
        raise ValueError("action may not contain ':'")
    return _check(f"p:{action}:{arg}")


@dataclass(frozen=True)
class SuggestionTap:
    """The principal's answer to 'Zijn dit dezelfde partner?'."""

    suggestion_id: int
    decision: str


def suggestion(suggestion_id: int, decision: str) -> str:
    """Encode a merge-suggestion button."""
    if decision not in {"merge", "apart"}:
        raise ValueError(decision)
    return _check(f"m:{suggestion_id}:{decision}")


@dataclass(frozen=True)
class TieTap:
    """The principal settles a category on which members were split evenly."""

    round_id: int
    node_hash: str
    category: str


def tie(round_id: int, node_hash: str, category: str) -> str:
    """Encode a category-tie button."""
    return _check(f"t:{round_id}:{node_hash}:{category}")


@dataclass(frozen=True)
class EditorTap:
    """A tap in the principal's map editor."""

    seq: int
    action: str
    arg: str


def editor(seq: int, action: str, arg: str = "") -> str:
    """Encode a map-editor button."""
    if ":" in action:
        raise ValueError("action may not contain ':'")
    return _check(f"e:{seq}:{action}:{arg}")


@dataclass(frozen=True)
class DeepTap:
    """The principal chooses partners for step 3, or starts it."""

    session_id: int
    action: str
    node_hash: str


def deep(session_id: int, action: str, node_hash: str = "") -> str:
    """Encode a step-3 selection button."""
    return _check(f"v:{session_id}:{action}:{node_hash}")


@dataclass(frozen=True)
class SurveyTap:
    """A tap in a colleague's member-check survey."""

    respondent_id: int
    seq: int
    action: str
    arg: str


def survey(respondent_id: int, seq: int, action: str, arg: str = "") -> str:
    """Encode a member-check button."""
    if ":" in action:
        raise ValueError("action may not contain ':'")
    return _check(f"c:{respondent_id}:{seq}:{action}:{arg}")


@dataclass(frozen=True)
class NewRoundTap:
    """Start the next round (from the yearly reminder)."""

    team_id: int


def new_round(team_id: int) -> str:
    """Encode the yearly reminder's button."""
    return _check(f"y:{team_id}")


@dataclass(frozen=True)
class AdditionTap:
    """The principal adds a partner the member check found missing: start, category, distance."""

    addition_id: int
    field: str = ""
    value: str = ""


def addition(addition_id: int, field: str = "", value: str = "") -> str:
    """Encode a button of adding a missing partner to the map."""
    if field not in {"", "c", "d"}:
        raise ValueError(field)
    if not field:
        return _check(f"a:{addition_id}")
    return _check(f"a:{addition_id}:{field}:{value}")


@dataclass(frozen=True)
class TermTap:
    """The principal gives the step that just opened a term, e.g. '7d'."""

    round_id: int
    step: str
    term: str


def term(round_id: int, step: str, value: str) -> str:
    """Encode a term button."""
    return _check(f"k:{round_id}:{step}:{value}")


@dataclass(frozen=True)
class TakeoverTap:
    """A group admin takes over the role of a leader who is no longer in the group."""

    team_id: int


def takeover(team_id: int) -> str:
    """Encode the take-over button."""
    return _check(f"g:{team_id}")


@dataclass(frozen=True)
class ParticipantsTap:
    """The principal lets the focus-group participants answer the member check too, or not."""

    check_id: int
    include: bool


def participants(check_id: int, include: bool) -> str:
    """Encode the focus-group button of the member check's share message."""
    return _check(f"s:{check_id}:{int(include)}")


@dataclass(frozen=True)
class WordsTap:
    """The map in words: the list (l), a page of partner buttons (o) or one partner (p)."""

    round_id: int
    action: str
    arg: str


WORDS_ACTIONS = frozenset({"l", "o", "p"})


def words(round_id: int, action: str, arg: str = "") -> str:
    """Encode a button of the map in words."""
    if action not in WORDS_ACTIONS:
        raise ValueError(action)
    return _check(f"w:{round_id}:{action}:{arg}")


Tap = (
    DialogTap | PersonTap | SuggestionTap | TieTap | EditorTap | DeepTap | SurveyTap | NewRoundTap
    | AdditionTap | TermTap | TakeoverTap | ParticipantsTap | WordsTap
)  # fmt: skip


def decode(data: str | None) -> Tap | None:
    """Decode callback_data; None for anything we did not make (old versions, garbage)."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    if data.startswith("d:"):
        parts = data.split(":", 4)
        if len(parts) != 5 or not is_id(parts[1]) or not is_id(parts[2]):
            return None
        return DialogTap(int(parts[1]), int(parts[2]), parts[3], parts[4])
    if data.startswith("w:"):
        parts = data.split(":", 3)
        if len(parts) != 4 or not is_id(parts[1]) or parts[2] not in WORDS_ACTIONS:
            return None
        return WordsTap(int(parts[1]), parts[2], parts[3])
    if data.startswith("y:"):
        rest = data[2:]
        return NewRoundTap(int(rest)) if is_id(rest) else None
    if data.startswith("g:"):
        rest = data[2:]
        return TakeoverTap(int(rest)) if is_id(rest) else None
    if data.startswith("s:"):
        parts = data.split(":")
        if len(parts) != 3 or not is_id(parts[1]) or parts[2] not in {"0", "1"}:
            return None
        return ParticipantsTap(int(parts[1]), parts[2] == "1")
    if data.startswith("k:"):
        parts = data.split(":")
        if len(parts) != 4 or not is_id(parts[1]):
            return None
        return TermTap(int(parts[1]), parts[2], parts[3])
    if data.startswith("a:"):
        parts = data.split(":")
        if len(parts) not in (2, 4) or not is_id(parts[1]):
            return None
        if len(parts) == 4 and parts[2] not in {"c", "d"}:
            return None
        return AdditionTap(int(parts[1]), *parts[2:4])
    if data.startswith("c:"):
        parts = data.split(":", 4)
        if len(parts) != 5 or not is_id(parts[1]) or not is_id(parts[2]):
            return None
        return SurveyTap(int(parts[1]), int(parts[2]), parts[3], parts[4])
    if data.startswith("v:"):
        parts = data.split(":")
        if len(parts) != 4 or not is_id(parts[1]) or parts[2] not in {"tog", "go"}:
            return None
        return DeepTap(int(parts[1]), parts[2], parts[3])
    if data.startswith("e:"):
        parts = data.split(":", 3)
        if len(parts) != 4 or not is_id(parts[1]):
            return None
        return EditorTap(int(parts[1]), parts[2], parts[3])
    if data.startswith("t:"):
        parts = data.split(":")
        if len(parts) != 4 or not is_id(parts[1]):
            return None
        return TieTap(int(parts[1]), parts[2], parts[3])
    if data.startswith("m:"):
        parts = data.split(":")
        if len(parts) != 3 or not is_id(parts[1]) or parts[2] not in {"merge", "apart"}:
            return None
        return SuggestionTap(int(parts[1]), parts[2])
    if data.startswith("p:"):
        parts = data.split(":", 2)
        if len(parts) != 3:
            return None
        return PersonTap(parts[1], parts[2])
    return None


@dataclass(frozen=True)
class GuideTap:
    """A facilitator's button in the control message (private chat): act on the team."""

    team_id: int
    action: str
    arg: str


def _id_action(prefix: str, row_id: int, action: str, arg: str) -> str:
    """Encode <prefix>:<id>:<action>:<arg>, the shape of the buttons that name one row."""
    if ":" in action:
        raise ValueError("action may not contain ':'")
    return _check(f"{prefix}:{row_id}:{action}:{arg}")


def _split_id_action(data: str | None, prefix: str) -> tuple[int, str, str] | None:
    """(id, action, arg) of a <prefix>:<id>:<action>:<arg> button; None for anything else,
    also for data no real button can carry (too long, no plain id)."""
    if (
        not data
        or not data.startswith(f"{prefix}:")
        or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES
    ):
        return None
    parts = data.split(":", 3)
    if len(parts) != 4 or not is_id(parts[1]):
        return None
    return int(parts[1]), parts[2], parts[3]


def guide(team_id: int, action: str, arg: str = "") -> str:
    """Encode a control-message button: f:<team_id>:<action>:<arg>."""
    return _id_action("f", team_id, action, arg)


def decode_guide(data: str | None) -> GuideTap | None:
    """Decode a control-message button; None for anything else."""
    found = _split_id_action(data, "f")
    return GuideTap(*found) if found else None


@dataclass(frozen=True)
class CommitmentTap:
    """A button about one commitment: making it, agreeing to it, answering its check-in."""

    commitment_id: int
    action: str
    arg: str


def commitment(commitment_id: int, action: str, arg: str = "") -> str:
    """Encode a commitment button: o:<commitment_id>:<action>:<arg>."""
    return _id_action("o", commitment_id, action, arg)


def decode_commitment(data: str | None) -> CommitmentTap | None:
    """Decode a commitment button; None for anything else."""
    found = _split_id_action(data, "o")
    return CommitmentTap(*found) if found else None


@dataclass(frozen=True)
class NoteTap:
    """A button about the team's notes (what it takes from a step), in a private chat."""

    team_id: int
    action: str
    arg: str


def note(team_id: int, action: str, arg: str = "") -> str:
    """Encode a team-notes button: n:<team_id>:<action>:<arg>."""
    return _id_action("n", team_id, action, arg)


def decode_note(data: str | None) -> NoteTap | None:
    """Decode a team-notes button; None for anything else."""
    found = _split_id_action(data, "n")
    return NoteTap(*found) if found else None
