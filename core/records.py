"""Stored facts other than teams, rounds, members and post-its, as typed values.

Storage returns these instead of database rows, so no code outside `storage/` depends on
column names or on the database driver. Field names are the columns' names; timestamps are
datetimes, flags are bools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .model import ConceptAnswer, Member, PostIt, Role, Round, Team
from .protocol import EditorStage, SurveyStage


@dataclass(frozen=True)
class Suggestion:
    """Two names that are only similar: the principal decides to merge them or keep them apart."""

    id: int
    round_id: int
    key_a: str
    key_b: str
    label_a: str
    label_b: str
    status: str


@dataclass(frozen=True)
class Priority:
    """A member's ONE priority partner (step 2C), with an optional reason."""

    member_id: int
    round_id: int
    node_key: str
    reason: str | None
    chosen_at: datetime


@dataclass(frozen=True)
class EditorState:
    """Where the principal is in the map editor (/bewerk)."""

    user_id: int
    round_id: int
    stage: EditorStage
    node_key: str | None
    screen_seq: int


@dataclass(frozen=True)
class DeepSession:
    """One in-depth conversation (step 3) about the partners the principal picked."""

    id: int
    round_id: int
    status: str
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class CardAnswer:
    """A member's answer to one reflection card about one partner."""

    member_id: int
    session_id: int
    node_key: str
    card_id: str
    text: str
    updated_at: datetime


@dataclass(frozen=True)
class ClosingAnswer:
    """A member's answer to one of step 4's closing questions."""

    member_id: int
    question_id: str
    text: str
    updated_at: datetime


@dataclass(frozen=True)
class Absence:
    """A partner a member misses on the map (step 4), with why and what the team could do."""

    id: int
    round_id: int
    member_id: int | None
    description: str
    why: str | None
    steps: str | None
    created_at: datetime


@dataclass(frozen=True)
class MapVersion:
    """An immutable, dated version of a team's map with its report (step 5)."""

    id: int
    team_id: int
    round_id: int
    parent_id: int | None
    reason: str
    created_at: datetime
    snapshot_json: str
    png: bytes
    report_pdf: bytes
    report_md: str


@dataclass(frozen=True)
class Addition:
    """A partner the member check found missing, which the principal may add to the map."""

    id: int
    round_id: int
    check_id: int | None
    label: str
    norm: str
    category: str | None
    distance: int | None
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Planned:
    """A reminder, an automatic close or another action that falls due at a time."""

    id: int
    team_id: int
    round_id: int | None
    check_id: int | None
    kind: str
    step: str
    run_at: datetime
    status: str
    created_at: datetime
    done_at: datetime | None
    claimed_at: datetime | None
    attempts: int
    # The commitment a check-in row is for (kind 'commitment_checkin').
    commitment_id: int | None = None


@dataclass(frozen=True)
class MemberCheck:
    """The member check of a kept map version with the wider team."""

    id: int
    team_id: int
    version_id: int
    token: str
    opened_at: datetime
    closed_at: datetime | None
    protect_small_roles: bool
    report_md: str | None
    # Focus-group participants of the check's round may answer too (the principal's choice).
    include_participants: bool = False


@dataclass(frozen=True)
class Respondent:
    """A colleague answering a member check, and where they are in it."""

    id: int
    check_id: int
    user_id: int
    stage: SurveyStage
    role: Role | None
    function: str | None
    question: int
    screen_seq: int
    finished_at: datetime | None


@dataclass(frozen=True)
class RespondentAnswers:
    """A respondent with their answers (question id -> text) and the partners they miss."""

    respondent: Respondent
    answers: dict[str, str]
    missing: list[str]


@dataclass(frozen=True)
class Facilitator:
    """Someone the principal handed the facilitator role to as well (002 step 0: the
    gespreksleider may be a team member or an external, e.g. a pedagogisch begeleider)."""

    team_id: int
    user_id: int
    first_name: str
    added_by: int
    added_at: datetime


@dataclass
class Forgotten:
    """What /vergeetmij removed, by kind (the bot tells the person exactly this)."""

    memberships: int = 0
    answers: int = 0
    postits: int = 0
    priorities: int = 0
    cards: int = 0
    closing: int = 0
    absences: int = 0
    check_answers: int = 0
    messages: int = 0
    # Rounds kept as a map version: the person's free texts left them, their partners and
    # picks still count on the map, without name, function or user id.
    kept_rounds: int = 0
    kept_postits: int = 0

    @property
    def anything(self) -> bool:
        """True when anything at all was stored."""
        return any(value for value in vars(self).values())


@dataclass
class PersonalData:
    """Everything stored about one person, for /mijngegevens (per membership id, and the
    member checks they answered)."""

    user_id: int
    memberships: list[tuple[Team, Round, Member]] = field(default_factory=list)
    answers: dict[int, list[ConceptAnswer]] = field(default_factory=dict)
    postits: dict[int, list[PostIt]] = field(default_factory=dict)
    # The priority pick with the label of its partner as the member saw it.
    priorities: dict[int, tuple[Priority, str]] = field(default_factory=dict)
    cards: dict[int, list[tuple[CardAnswer, str]]] = field(default_factory=dict)
    closing: dict[int, list[ClosingAnswer]] = field(default_factory=dict)
    absences: dict[int, list[Absence]] = field(default_factory=dict)
    checks: list[tuple[Team, MemberCheck, RespondentAnswers]] = field(default_factory=list)
    # The second look: blind answers as (partner, field, answer) and links proposed ('A — B').
    look_votes: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    look_links: dict[int, list[str]] = field(default_factory=dict)

    def texts(self) -> list[str]:
        """Every free text this person typed that is stored (to scrub it from copies)."""
        out: list[str] = []
        for _team, _round, member in self.memberships:
            out += [member.function or ""]
            out += [a.text for a in self.answers.get(member.id, [])]
            if member.id in self.priorities:
                out.append(self.priorities[member.id][0].reason or "")
            out += [c.text for c, _ in self.cards.get(member.id, [])]
            out += [c.text for c in self.closing.get(member.id, [])]
            for a in self.absences.get(member.id, []):
                out += [a.description, a.why or "", a.steps or ""]
        for _team, _check, response in self.checks:
            out += [response.respondent.function or "", *response.answers.values()]
            out += response.missing
        return [text for text in dict.fromkeys(out) if text.strip()]
