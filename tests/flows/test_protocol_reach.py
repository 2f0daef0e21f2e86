"""Every instruction of the tool (seed 002, the IDs of PROTOCOL.md §4) that fits a private chat
reaches the person it is for during a full round: the facilitator or every member.

The list is read from PROTOCOL.md and must be complete: each ID of a "(002)" table is either
for someone in private (with the prompts that carry it when the bot says it in its own words),
or said why not (a group's conversation, not an instruction, or the research version in 001).
What a person saw is collected while the round runs (the control message is edited in place).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.testing.fakegram import Person
from prompts import Texts

from .conftest import Team, add_partner, onboard, register

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR, MEMBERS = "facilitator", "members"

# Instructions for someone in private: who, and the prompts that say it in the bot's own
# words (a prompt that quotes the text verbatim, {@ID}, is found without being listed).
PRIVATE: dict[str, tuple[str, tuple[str, ...]]] = {
    "PRE.I1": (FACILITATOR, ()),
    "PRE.I2": (FACILITATOR, ()),
    # On the control message its second sentence; with the goals above it once tapped.
    "INTRO.I1": (FACILITATOR, ("notes.panel_aim",)),
    # The second variant of 002: reflect first, then compare with the definitions.
    "INTRO.I2": (MEMBERS, ("intro.goals", "intro.definitions")),
    "DEF.EXT": (MEMBERS, ()),
    "DEF.COLL": (MEMBERS, ()),
    "INTRO.Q1": (MEMBERS, ()),
    "INTRO.Q2": (MEMBERS, ()),
    # "één antwoord per post-it ... een individu, team of organisatie": one partner a message.
    "BRAIN.I": (MEMBERS, ("brainstorm.intro",)),
    "BRAIN.Q": (MEMBERS, ()),
    "BRAIN.NOTE": (MEMBERS, ()),
    # The kind of partner (the map's colours) is asked per partner, with its distance.
    "MAP.TIP": (MEMBERS, ("brainstorm.ask_category", "brainstorm.ask_known")),
    "MAP.LINK": (MEMBERS, ("brainstorm.intro",)),
    # One partner, by 002's three criteria; the colour per role is said at the role choice.
    "PRIO.I": (MEMBERS, ("priority.ask",)),
    "PRIO.TIP": (MEMBERS, ("privacy.short", "privacy.notice", "role.ask")),
    "DEEP.I1": (MEMBERS, ("deep.intro",)),
    "DEEP.I2": (MEMBERS, ("deep.intro",)),
    "CLOSE.I": (MEMBERS, ()),
    **{f"CLOSE.Q{n}": (MEMBERS, ()) for n in range(1, 8)},
    "CLOSE.MET": (MEMBERS, ()),
    # Securing the result is what finishing does; the facilitator is told so and gets it.
    "POST.I1": (FACILITATOR, ("control.next_finish", "finish.sent")),
    "POST.I2": (FACILITATOR, ()),
    # The tool's origin, as 002 credits it: in the report the facilitator receives.
    "ABOUT": (FACILITATOR, ()),
}
# Prompts for the team's conversation, posted to the group with what they are about.
GROUP = {
    "INTRO.I3": "discusses step 1's shared answers (share.intro_prompt in the group)",
    "MAP.I": "opens the conversation on the merged map, which the group receives",
    "DEEP.I3": "invites more in-depth conversations (group.deep_closed)",
}
NOT_AN_INSTRUCTION = {
    "INTRO.EX": "an example vignette beside the definitions",
    "POST.CAP": "the caption of an example picture",
}
# 002's appendix (4.7, the reflection cards) is the content of DEEP.I1, chosen per member; the
# research version's rows inside 002's tables come from 001 (002 names no marker colours).
FROM_001 = {"BRAIN.R1", "BRAIN.R2", "BRAIN.R3", "PRIO.R", "PRIO.C1", "PRIO.C2", "PRIO.C3",
            "PRIO.C4"}  # fmt: skip


def _protocol() -> str:
    configured = os.environ.get("NETWERKKAART_PROTOCOL")
    path = Path(configured) if configured else ROOT.parent / "shared" / "PROTOCOL.md"
    if not path.is_file():
        pytest.skip(f"PROTOCOL.md not found at {path}")
    return path.read_text(encoding="utf-8")


def instruction_ids(text: str) -> list[str]:
    """The IDs of every table in a §4 subsection taken from the tool itself ('(002)')."""
    ids: list[str] = []
    in_002 = False
    for line in text.splitlines():
        if line.startswith("## ") and not line.startswith("## 4."):
            in_002 = False
        if line.startswith("### 4."):
            in_002 = line.rstrip().endswith("(002)")
        if in_002 and line.startswith("| ") and not line.startswith("| ID"):
            first = line.strip("|").split("|")[0].strip()
            if re.fullmatch(r"[A-Z][A-Z0-9]*(?:\.[A-Za-z0-9]+)*", first):
                ids.append(first)
    return ids


def _fragments(texts: Texts, key: str) -> list[str]:
    """The fixed words of a prompt (around its fields), as sent: what shows it was seen."""
    marker = "\x00"
    template = texts.template(key, "nl")
    fields = {name: marker for name in re.findall(r"\{(\w+)(?::[^}]*)?\}", template)}
    rendered = str(texts.t(key, "nl", **fields))
    parts = []
    for piece in rendered.split(marker):
        words = piece.split()[1:-1]  # a plural or punctuation may touch a field
        if len(" ".join(words)) >= 12:
            parts.append(" ".join(words))
    return parts


def _seen(texts: Texts, key: str, shown: set[str]) -> bool:
    parts = _fragments(texts, key)
    squashed = [" ".join(s.split()) for s in shown]
    return bool(parts) and any(all(p in s for p in parts) for s in squashed)


def reached(texts: Texts, instruction: str, carriers: tuple[str, ...], shown: set[str]) -> bool:
    """True when a person saw the instruction verbatim or a prompt that carries it."""
    verbatim = texts.plain(instruction, "nl")
    if any(verbatim in s or html.escape(verbatim, quote=False) in s for s in shown):
        return True
    return any(texts.has(key) and _seen(texts, key, shown) for key in carriers)


class Watcher:
    """Everything each person was shown, collected as the round goes on."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.shown: dict[int, set[str]] = {p.user.id: set() for p in people}

    def follow(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Look after every tap and every message anyone sends (what each action showed)."""
        for name in ("tap", "send"):
            original = getattr(Person, name)

            async def acting(person: Person, *args: Any, _original: Any = original,
                             **kwargs: Any) -> Any:  # fmt: skip
                result = await _original(person, *args, **kwargs)
                self.look()
                return result

            monkeypatch.setattr(Person, name, acting)

    def look(self) -> None:
        """Note what every person's private chat shows now (texts, captions, reports)."""
        for person in self.people:
            for message in person.messages():
                for part in (message.text, message.caption):
                    if part:
                        self.shown[person.user.id].add(part)
                name = message.document_name or ""
                if name.endswith(".md") and message.document:
                    self.shown[person.user.id].add(message.document.decode("utf-8"))


async def _full_round(team: Team) -> None:
    """Register, run every step from the control message, finish; members answer in private."""
    bot = team.bot
    piet = team.principal
    members = team.members[:3]

    def panel() -> object:
        label = bot.label("btn.guide_team")
        return next(m for m in reversed(piet.messages()) if label in m.button_labels)

    await register(team)
    await piet.tap(bot.label("btn.guide_panel"), chat=team.group)
    await piet.tap(bot.label("btn.guide_open"), message=panel())
    for n, person in enumerate(members):
        await onboard(team, person, answer=f"Samen leren, antwoord {n}.")
        await add_partner(team, person, "CLB", "organisatie", "zorg", 1)
        await add_partner(team, person, f"Sportclub {n}", "organisatie", "aanbod", 2)
        await person.tap(bot.label("btn.done"))
    await piet.tap(bot.label("btn.guide_close_brainstorm"), message=panel())
    await piet.tap(bot.label("look.btn.close"), message=panel())
    await piet.tap(bot.label("btn.guide_priorities"), message=panel())
    for person in members:
        await person.tap("CLB")
        await person.tap(bot.label("btn.skip"))
    await piet.tap(bot.label("btn.guide_close_priorities"), message=panel())
    await piet.tap(bot.label("btn.guide_deepgo"), message=panel())
    await piet.tap(bot.label("btn.guide_close_deep"), message=panel())
    await piet.tap(bot.label("btn.guide_close_yes"))
    await piet.tap(bot.label("btn.guide_closing"), message=panel())
    for person in members:
        for _ in range(7):
            await person.tap(bot.label("btn.skip"))
    await piet.tap(bot.label("btn.guide_close_closing"), message=panel())
    await piet.tap(bot.label("btn.guide_finish"), message=panel())


def test_every_instruction_of_the_tool_is_classified() -> None:
    """The list below covers PROTOCOL.md: a new instruction cannot be left out unnoticed."""
    ids = instruction_ids(_protocol())
    assert "INTRO.I1" in ids and "F1.ACT.1" not in ids
    known = set(PRIVATE) | set(GROUP) | set(NOT_AN_INSTRUCTION) | FROM_001
    assert sorted(set(ids) - known) == []
    assert sorted(known - set(ids)) == []


async def test_every_private_instruction_reaches_the_person_it_is_for(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a full round run from the control message, each of the tool's instructions that
    fits a private chat is seen by the facilitator or by every member it is for."""
    ids = instruction_ids(_protocol())
    watch = Watcher([team.principal, *team.members[:3]])
    watch.follow(monkeypatch)
    await _full_round(team)
    texts = team.bot.texts
    missing = []
    for instruction in ids:
        if instruction not in PRIVATE:
            continue
        who, carriers = PRIVATE[instruction]
        people = [team.principal] if who == FACILITATOR else team.members[:3]
        for person in people:
            if not reached(texts, instruction, carriers, watch.shown[person.user.id]):
                missing.append(f"{instruction} → {person.user.first_name}")
    private = [i for i in ids if i in PRIVATE]
    reaching = len({m.split(" → ")[0] for m in missing})
    print(f"instructions that fit a private chat: {len(private)}; "
          f"reach their person: {len(private) - reaching}")  # fmt: skip
    assert missing == [], missing
