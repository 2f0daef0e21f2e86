"""One whole round as a list of single actions, and what a run of it leaves behind.

The principal Piet and members Anna, Bert and Carla run every step; Dirk (in the group, not in
the round) answers the member check. Each action is one update a person sends; `phase` names the
principal command it belongs to ("members" for everything the members do in between).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.testing.fakegram import FakeChat, FakeMessage, FakeTelegram, Person
from core.merge import usual_kind_and_category
from core.model import Category, Kind
from prompts import Texts

MEMBERS = "members"
# The principal commands of one round, in order: every call they make is a kill point.
PRINCIPAL_PHASES = (
    "register",
    "ronde",
    "sluit-brainstorm",
    "prioriteit",
    "sluit-prioriteit",
    "verdiep",
    "sluit-verdiep",
    "afsluiter",
    "sluit-afsluiter",
    "afronden",
    "membercheck",
    "membercheck-sluit",
)
# After the round: the principal asks the export that runs are compared on (not a kill point:
# it sends five files, so a kill in the middle duplicates more than the one in flight).
EXPORT = "export"

PARTNERS = {
    "Piet": [("CLB", "organisatie", "zorg", 1), ("Scholengemeenschap", "organisatie", "beleid", 2)],
    "Anna": [("CLB", "organisatie", "zorg", 1), ("Academie", "organisatie", "aanbod", 2)],
    "Bert": [("CLB", "organisatie", "zorg", 2), ("ouders", "team", "aanbod", 1)],
    "Carla": [("Hogeschool Gent", "organisatie", "stage", 3)],
}
PRIORITY = {"Piet": ("CLB", "Onmisbaar."), "Anna": ("CLB", None), "Bert": ("Academie", "Breed."),
            "Carla": ("CLB", None)}  # fmt: skip
CARDS = {
    "Piet": [("F1.ACT", "We doen veel samen.")],
    "Anna": [("F1.ACT", "Overleg elke maand."), ("F2.VERB", "Er is veel vertrouwen."),
             ("F3.LER", "We leren van hun expertise.")],
    "Bert": [("F2.DOEL", "Een gedeeld doel.")],
    "Carla": [],
}  # fmt: skip
CLOSING = {
    "Piet": {1: "Een parachute vol kleuren.", 4: "Meer met ouders."},
    "Anna": {1: "Een web.", 2: "Zorg is sterk."},
    "Bert": {3: "Weinig cultuur."},
    "Carla": {},
}
SURVEY = ("Herkenbaar.", "Meer zorg dan verwacht.", "Ja, grotendeels.", "Een boom.")


@dataclass
class Action:
    """One update a person sends: `do` performs it (and returns once the bot handled it)."""

    index: int
    phase: str
    actor: Person
    chat: FakeChat
    what: str
    do: Callable[[], Awaitable[object]]


@dataclass
class Cast:
    """The group, its people and the bot's texts (Dutch)."""

    fake: FakeTelegram
    texts: Texts
    group: FakeChat = field(init=False)
    principal: Person = field(init=False)
    members: list[Person] = field(init=False)
    colleague: Person = field(init=False)

    def __post_init__(self) -> None:
        self.principal = self.fake.person("Piet")
        self.members = [self.fake.person(name) for name in ("Anna", "Bert", "Carla")]
        self.colleague = self.fake.person("Dirk")
        self.group = self.fake.add_group(
            "Team De Linde",
            creator=self.principal.user,
            admins=[],
            members=[p.user for p in (*self.members, self.colleague)],
        )

    @property
    def people(self) -> list[Person]:
        """Everyone in the group, the principal first."""
        return [self.principal, *self.members, self.colleague]

    @property
    def participants(self) -> list[Person]:
        """Who takes part in the round."""
        return [self.principal, *self.members]

    def label(self, key: str, /, **fields: object) -> str:
        """A Dutch button label."""
        return self.texts.plain(key, "nl", **fields)

    def newest_with(self, label: str) -> FakeMessage:
        """The group's newest bot message with this button (found when the action runs)."""
        for message in reversed(self.group.bot_messages):
            if label in message.button_labels:
                return message
        raise AssertionError(f"no message with {label!r} in the group")

    def chat_name(self, chat: FakeChat) -> str:
        """A name for a chat that is the same in every run."""
        if chat.type == "private" and chat.user is not None:
            return chat.user.first_name
        return chat.title or str(chat.id)


def round_actions(cast: Cast) -> list[Action]:
    """The whole round, one action per update, in the order people perform them."""
    actions: list[Action] = []
    group, principal, label = cast.group, cast.principal, cast.label

    def add(phase: str, actor: Person, what: str, do: Callable[[], Awaitable[object]],
            chat: FakeChat | None = None) -> None:  # fmt: skip
        actions.append(Action(len(actions), phase, actor, chat or actor.chat, what, do))

    def command(phase: str, text: str) -> None:
        add(phase, principal, text, lambda: principal.send(text, chat=group), group)

    def send(person: Person, text: str) -> None:
        add(MEMBERS, person, f"{person.user.first_name}: {text}", lambda: person.send(text))

    def tap(person: Person, key: str, **fields: object) -> None:
        shown = label(key, **fields)
        add(MEMBERS, person, f"{person.user.first_name} taps {shown}", lambda: person.tap(shown))

    def tap_label(person: Person, shown: str) -> None:
        add(MEMBERS, person, f"{person.user.first_name} taps {shown}", lambda: person.tap(shown))

    command("register", "/start")
    school = "Basisschool De Linde"
    add("register", principal, f"reply {school}",
        lambda: principal.send(school, chat=group, reply_to=group.last()), group)  # fmt: skip
    command("ronde", "/ronde")
    for person in cast.participants:
        name = person.user.first_name
        join = label("btn.join")
        add(MEMBERS, person, f"{name} joins",
            lambda p=person, j=join: p.tap(j, message=cast.newest_with(j), chat=group))  # type: ignore[misc]  # fmt: skip
        tap(person, "role.directie" if person is principal else "role.leraar")
        tap(person, "btn.skip")
        send(person, f"Samen leren, zegt {name}.")
        tap(person, "btn.next_question")
        tap(person, "btn.skip")
        tap(person, "btn.to_brainstorm")
        for partner, kind, category, distance in PARTNERS[name]:
            send(person, partner)
            usual = usual_kind_and_category(partner)
            if usual != (Kind(kind), Category(category)):
                if usual is not None:
                    tap(person, "btn.something_else")
                tap(person, f"kind.{kind}")
                tap(person, f"category.{category}")
            tap(person, f"distance.{distance}")
        tap(person, "btn.done")
    command("sluit-brainstorm", "/sluit")
    command("prioriteit", "/prioriteit")
    for person in cast.participants:
        partner, reason = PRIORITY[person.user.first_name]
        tap_label(person, partner)
        if reason:
            send(person, reason)
        else:
            tap(person, "btn.skip")
    command("sluit-prioriteit", "/sluit")
    command("verdiep", "/verdiep CLB")
    start = label("btn.deep_start")
    add("verdiep", principal, f"taps {start}",
        lambda: principal.tap(start, chat=group), group)  # fmt: skip
    for person in cast.participants:
        for card, answer in CARDS[person.user.first_name]:
            tap_label(person, f"{card[1]} · {label(f'card.{card}')}")
            send(person, answer)
            tap(person, "btn.to_cards")
    command("sluit-verdiep", "/sluit")
    command("afsluiter", "/afsluiter")
    for person in cast.participants:
        for number in range(1, 8):
            answer = CLOSING[person.user.first_name].get(number)
            if answer:
                send(person, answer)
                tap(person, "btn.next_question")
            else:
                tap(person, "btn.skip")
    command("sluit-afsluiter", "/sluit")
    command("afronden", "/afronden")
    command("membercheck", "/membercheck")
    dirk = cast.colleague
    survey = label("btn.survey_join")
    add(MEMBERS, dirk, "Dirk joins the member check",
        lambda: dirk.tap(survey, message=cast.newest_with(survey), chat=group))  # fmt: skip
    tap(dirk, "btn.survey_start")
    tap(dirk, "role.zorg_leerlingenbegeleiding")
    tap(dirk, "btn.skip")
    for number, answer in enumerate(SURVEY, start=1):
        send(dirk, answer)
        tap(dirk, "btn.next_question")
        if number == 3:
            send(dirk, "Sportclub")
            tap(dirk, "btn.done")
    command("membercheck-sluit", "/membercheck sluit")
    command(EXPORT, "/export")
    return actions


# -- what a run leaves behind -------------------------------------------------------------------

_NORMALISE = (
    (re.compile(r"start=[\w-]+"), "start=*"),
    (re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b"), "<date>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?"),
     "<date>"),
    (re.compile(r"\b\d{1,2}:\d{2}\b"), "<time>"),
)  # fmt: skip


def normalise(text: str) -> str:
    """Text with what differs from run to run (deep-link tokens, dates, times) replaced."""
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return text


def shown(message: FakeMessage) -> str:
    """A bot message as the person sees it now: kind, text, buttons (ids and dates left out)."""
    parts = []
    if message.photo is not None:
        parts.append("[photo]")
    if message.document is not None:
        parts.append(f"[file {message.document_name}]")
    parts.append(message.plain_text)
    labels = [
        button.label + (f" <{button.url}>" if button.url else "")
        for row in message.buttons
        for button in row
    ]
    if labels:
        parts.append("[" + " | ".join(labels) + "]")
    return normalise(" ".join(parts))


def transcript(
    cast: Cast,
    ignore: set[int] = frozenset(),  # type: ignore[assignment]
    in_flight: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> dict[str, list[str]]:
    """Per chat (by a stable name), every bot message shown there, oldest first. A copy sent
    by a call that a kill cut off is marked IN_FLIGHT: it counts when it is the only one, and
    is no extra when the bot rightly sent it again after the restart."""
    return {
        cast.chat_name(chat): [
            (IN_FLIGHT if (chat.id, m.message_id) in in_flight else "") + shown(m)
            for m in chat.bot_messages
        ]
        for chat in cast.fake.chats.values()
        if chat.id not in ignore and chat.bot_messages
    }


IN_FLIGHT = "\x00"


def compare(reference: dict[str, list[str]], run: dict[str, list[str]], kills: int) -> list[str]:
    """What breaks "told of everything, at most one duplicate per kill"; empty when all is well."""
    problems: list[str] = []
    extras = 0
    for chat in sorted(reference.keys() | run.keys()):
        want = Counter(reference.get(chat, []))
        sent = run.get(chat, [])
        got = Counter(t for t in sent if not t.startswith(IN_FLIGHT))
        maybe = Counter(t.removeprefix(IN_FLIGHT) for t in sent if t.startswith(IN_FLIGHT))
        # A copy in flight at a kill stands in for a message that was never sent again.
        got += (want - got) & maybe
        for text, count in (want - got).items():
            problems.append(f"{chat} never got ({count}x): {text[:160]!r}")
        for text, count in (got - want).items():
            extras += count
            if text not in want:
                problems.append(f"{chat} got an unexpected message ({count}x): {text[:160]!r}")
            elif count > 1:
                problems.append(f"{chat} got {count} duplicates of: {text[:160]!r}")
    if extras > kills:
        problems.append(f"{extras} extra messages after {kills} kill(s); at most one per kill")
    return problems


_VOLATILE_KEYS = re.compile(r"(date|_at|time|created|exported|generated)$")


def normalised_export(data: bytes) -> Any:
    """The /export JSON with dates, times and ids that differ between runs replaced."""

    def clean(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: clean(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            return "<volatile>" if _VOLATILE_KEYS.search(key) else normalise(value)
        if _VOLATILE_KEYS.search(key):
            return "<volatile>"
        return value

    return clean(json.loads(data))


def last_export(cast: Cast) -> bytes:
    """The newest /export JSON the principal received."""
    for message in reversed(cast.principal.messages()):
        if message.document is not None and (message.document_name or "").endswith(".json"):
            return message.document
    raise AssertionError("the principal received no export")
