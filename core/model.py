"""Domain types of the reflection tool (PROTOCOL.md §1.4, §3): plain values, no Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum


class Role(StrEnum):
    """A member's role in the team; decides the marker colour of their priority pick (§1.4)."""

    LERAAR = "leraar"
    DIRECTIE = "directie"
    ZORG = "zorg_leerlingenbegeleiding"
    BELEIDSONDERSTEUNER = "beleidsondersteuner"
    ANDERE = "andere"


# Marker colours from 001 "FLAP 1"; beleidsondersteuner has no colour of its own (PROPOSAL: red).
ROLE_COLOUR: dict[Role, str] = {
    Role.LERAAR: "geel",
    Role.DIRECTIE: "blauw",
    Role.ZORG: "groen",
    Role.BELEIDSONDERSTEUNER: "rood",
    Role.ANDERE: "rood",
}


class Kind(StrEnum):
    """What one post-it names: one individual, team or organisation (002 step 2A)."""

    INDIVIDU = "individu"
    TEAM = "team"
    ORGANISATIE = "organisatie"


class Category(StrEnum):
    """The reconciled partner categories of §3.2, in the order the map's sectors use."""

    ZORG = "zorg"
    PROFESSIONALISERING = "professionalisering"
    AANBOD = "aanbod"
    STAGE = "stage"
    ONDERZOEK = "onderzoek"
    BELEID = "beleid"
    INTERN = "intern"
    ANDERE = "andere"


CATEGORY_COLOUR: dict[Category, str] = {
    Category.ZORG: "#F39C12",
    Category.PROFESSIONALISERING: "#2E86DE",
    Category.AANBOD: "#27AE60",
    Category.STAGE: "#E74C3C",
    Category.ONDERZOEK: "#95A5A6",
    Category.BELEID: "#FF8FB1",
    Category.INTERN: "#222222",
    Category.ANDERE: "#FFFFFF",
}


class Distance(IntEnum):
    """Experienced closeness to the school, the ordinal ring scale of §3.3."""

    IN_DE_SCHOOL = 0
    DICHTBIJ = 1
    TUSSENIN = 2
    VERAF = 3
    AFWEZIG = 4


class Language(StrEnum):
    """Languages the bot speaks; Dutch is the default and the source language."""

    NL = "nl"
    EN = "en"


@dataclass(frozen=True)
class Team:
    """A school team: one Telegram group with its principal (facilitator)."""

    id: int
    chat_id: int
    school_name: str | None
    language: Language
    principal_user_id: int
    name_prompt_message_id: int | None
    created_at: datetime
    colour_blind: bool = False
    show_names: bool = False
    # None: the bot's default time zone (Settings.timezone).
    timezone: str | None = None
    # When messages to people may go out: 'weekdays' (08-20), 'everyday' (08-20) or 'always'.
    send_days: str = "weekdays"

    @property
    def is_ready(self) -> bool:
        """A team is ready once the school's name is known."""
        return self.school_name is not None


@dataclass(frozen=True)
class Round:
    """One run of the protocol for a team; at most one is open per team."""

    id: int
    team_id: int
    number: int
    token: str
    step: str
    opened_at: datetime
    closed_at: datetime | None
    progress_message_id: int | None
    intro_posted_at: datetime | None = None
    intro_shared_upto: int | None = None


@dataclass(frozen=True)
class Member:
    """A participant of a round, with the screen of the private dialog they are on."""

    id: int
    round_id: int
    user_id: int
    first_name: str
    role: Role | None
    function: str | None
    stage: str
    current_postit_id: int | None
    screen_seq: int
    finished_at: datetime | None
    joined_at: datetime
    deep_node_key: str | None = None
    deep_card: str | None = None
    closing_question: str | None = None
    absence_id: int | None = None
    # No longer in the team's group: can do nothing more there, is not counted nor reminded.
    left_at: datetime | None = None


@dataclass(frozen=True)
class PostIt:
    """One partner as a member typed it in the private brainstorm, with their proposals."""

    id: int
    member_id: int
    text: str
    kind: Kind | None
    category: Category | None
    distance: Distance | None
    position: int
    classified: bool
    created_at: datetime

    @property
    def is_complete(self) -> bool:
        """True when the member gave kind, category and distance."""
        return None not in (self.kind, self.category, self.distance)


@dataclass(frozen=True)
class ConceptAnswer:
    """A member's private answer to INTRO.Q1 or INTRO.Q2."""

    member_id: int
    question_id: str
    text: str


@dataclass(frozen=True)
class Progress:
    """Counts the group may see: never who, never what."""

    joined: int
    finished: int
