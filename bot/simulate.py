"""`python -m bot simulate SCENARIO.json --out DIR`: play a whole team through the real bot.

Every member joins through the deep link and types every partner with the same messages and
buttons a person uses, against the fake Telegram and a fresh SQLite file. The principal closes
the brainstorm (keeping the bot's automatic merges and leaving its suggestions open), opens the
priority step and closes it (members with a `look` first take the second look at the map, which
the principal then closes), optionally runs step 3 (deep_partners, cards) and step 4 (closing),
asks /kaart and /export and finishes with /afronden. Written to DIR: map.png (the exact photo
the group received), export.json (the exact /export JSON), report.pdf and report.md (the exact
files the principal received), transcript.txt (every message per chat) and effort.json (what the
run cost its people: the bot's posts in the group per step, the bot's messages and words per
member (median and maximum), and how many messages a member read before typing a first answer).

The principal leaves the bot's questions about similar names unanswered: the simulated clock
moves on until the default applies and the group gets the map (bot/actions/maps.py).
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter

from core.cards import BY_ID
from core.merge import name_key, usual_kind_and_category
from core.model import Category, Distance, Kind, Role
from prompts import Texts
from storage.store import Store

from .app import build_application, set_command_menus, start_up
from .config import Settings
from .dialogs import mapview
from .dialogs.priority import key_hash
from .testing.fakegram import FakeButton, FakeChat, FakeMessage, FakeTelegram, Person

SIMULATION_TOKEN = "123456:SIMULATION-token-not-used-for-any-network"


class ScenarioError(Exception):
    """The scenario file is not valid; the message says where and why, in one line."""


@dataclass
class PartnerSpec:
    """One partner as a member types it."""

    name: str
    kind: Kind | None = None
    category: Category | None = None
    distance: Distance | None = None


@dataclass
class MemberSpec:
    """One team member of the scenario."""

    name: str
    role: Role
    function: str | None = None
    partners: list[PartnerSpec] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    priority: str | None = None
    priority_reason: str | None = None
    concept_answers: dict[str, str] = field(default_factory=dict)
    cards: list[tuple[str, str, str]] = field(default_factory=list)
    closing: dict[str, str] = field(default_factory=dict)
    # The second look at the merged map: partners missed, and answers on disputed partners
    # (partner name -> closer | keep | further, or a category for a tie).
    look_partners: list[PartnerSpec] = field(default_factory=list)
    look_votes: dict[str, str] = field(default_factory=dict)


@dataclass
class ColleagueSpec:
    """A colleague of the wider team who answers the member check."""

    name: str
    role: Role
    function: str | None
    answers: list[str]
    missing_partners: list[str]


@dataclass
class Scenario:
    """A school team and what each member answers."""

    school: str
    language: str
    members: list[MemberSpec]
    deep_partners: list[str] = field(default_factory=list)
    member_check: list[ColleagueSpec] = field(default_factory=list)

    @property
    def principal(self) -> MemberSpec:
        """The first member with role directie, else the first member."""
        return next((m for m in self.members if m.role is Role.DIRECTIE), self.members[0])


def _enum(raw: Any, enum: Callable[[Any], Any], where: str, allowed: list[str]) -> Any:
    if raw is None:
        return None
    try:
        return enum(raw)
    except ValueError as exc:
        raise ScenarioError(f"{where}: {raw!r} is not one of {', '.join(allowed)}") from exc


def _text(raw: Any, where: str, *, required: bool = True) -> str | None:
    if raw is None and not required:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise ScenarioError(f"{where}: expected a non-empty text")
    return raw


def parse_scenario(data: Any) -> Scenario:
    """Validate the JSON structure of a scenario (see the map issue / README)."""
    if not isinstance(data, dict):
        raise ScenarioError("the scenario must be a JSON object")
    school = _text(data.get("school"), "school")
    assert school is not None
    language = data.get("language", "nl")
    if language not in ("nl", "en"):
        raise ScenarioError(f"language: {language!r} is not one of nl, en")
    raw_members = data.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        raise ScenarioError("members: expected a non-empty list")
    members: list[MemberSpec] = []
    names: set[str] = set()
    for i, raw in enumerate(raw_members):
        where = f"members[{i}]"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where}: expected an object")
        name = _text(raw.get("name"), f"{where}.name")
        assert name is not None
        if name in names:
            raise ScenarioError(f"{where}.name: {name!r} appears twice")
        names.add(name)
        role = _enum(raw.get("role"), Role, f"{where}.role", [r.value for r in Role])
        if role is None:
            raise ScenarioError(f"{where}.role: missing")
        member = MemberSpec(
            name=name,
            role=role,
            function=_text(raw.get("function"), f"{where}.function", required=False),
            priority=_text(raw.get("priority"), f"{where}.priority", required=False),
            priority_reason=_text(
                raw.get("priority_reason"), f"{where}.priority_reason", required=False
            ),
        )
        member.partners = _partners(raw.get("partners", []), f"{where}.partners")
        look = raw.get("look", {})
        if not isinstance(look, dict):
            raise ScenarioError(f"{where}.look: expected an object")
        member.look_partners = _partners(look.get("partners", []), f"{where}.look.partners")
        votes = look.get("votes", {})
        allowed = {"closer", "keep", "further", *(c.value for c in Category)}
        if not isinstance(votes, dict) or not all(
            isinstance(k, str) and v in allowed for k, v in votes.items()
        ):
            raise ScenarioError(
                f"{where}.look.votes: expected partner names with closer, keep, further or a"
                " category"
            )
        member.look_votes = dict(votes)
        links = raw.get("links", [])
        if not isinstance(links, list):
            raise ScenarioError(f"{where}.links: expected a list of [name, name] pairs")
        for j, link in enumerate(links):
            ok = isinstance(link, list) and len(link) == 2 and all(isinstance(x, str) for x in link)
            if not ok:
                raise ScenarioError(f"{where}.links[{j}]: expected [name, name]")
            member.links.append((link[0], link[1]))
        member.concept_answers = _answers(
            raw.get("concept_answers", {}), f"{where}.concept_answers", ("INTRO.Q1", "INTRO.Q2")
        )
        member.closing = _answers(
            raw.get("closing", {}), f"{where}.closing", tuple(f"CLOSE.Q{n}" for n in range(1, 8))
        )
        cards = raw.get("cards", [])
        if not isinstance(cards, list):
            raise ScenarioError(f"{where}.cards: expected a list")
        for j, card in enumerate(cards):
            cw = f"{where}.cards[{j}]"
            if not isinstance(card, dict):
                raise ScenarioError(f"{cw}: expected an object")
            card_id = card.get("card")
            if card_id not in BY_ID:
                raise ScenarioError(f"{cw}.card: {card_id!r} is not one of {', '.join(BY_ID)}")
            partner = _text(card.get("partner"), f"{cw}.partner")
            answer = _text(card.get("answer"), f"{cw}.answer")
            assert partner is not None and answer is not None
            member.cards.append((partner, card_id, answer))
        members.append(member)
    deep_partners = data.get("deep_partners", [])
    if not isinstance(deep_partners, list) or not all(isinstance(p, str) for p in deep_partners):
        raise ScenarioError("deep_partners: expected a list of partner names")
    colleagues: list[ColleagueSpec] = []
    raw_check = data.get("member_check", [])
    if not isinstance(raw_check, list):
        raise ScenarioError("member_check: expected a list of colleagues")
    for i, raw in enumerate(raw_check):
        where = f"member_check[{i}]"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where}: expected an object")
        name = _text(raw.get("name"), f"{where}.name")
        role = _enum(raw.get("role"), Role, f"{where}.role", [r.value for r in Role])
        answers = raw.get("answers", [])
        missing = raw.get("missing_partners", [])
        if name is None or role is None:
            raise ScenarioError(f"{where}: name and role are required")
        if (
            not isinstance(answers, list)
            or len(answers) > 4
            or not all(isinstance(a, str) for a in answers)
        ):
            raise ScenarioError(f"{where}.answers: expected up to four texts")
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise ScenarioError(f"{where}.missing_partners: expected a list of names")
        function = _text(raw.get("function"), f"{where}.function", required=False)
        colleagues.append(ColleagueSpec(name, role, function, answers, missing))
    return Scenario(school, language, members, deep_partners, colleagues)


def _partners(raw: Any, where: str) -> list[PartnerSpec]:
    """A list of partners as members type them."""
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: expected a list")
    partners: list[PartnerSpec] = []
    for j, p in enumerate(raw):
        pw = f"{where}[{j}]"
        if not isinstance(p, dict):
            raise ScenarioError(f"{pw}: expected an object")
        partner_name = _text(p.get("name"), f"{pw}.name")
        assert partner_name is not None
        distance = p.get("distance")
        if distance is not None and (not isinstance(distance, int) or isinstance(distance, bool)):
            raise ScenarioError(f"{pw}.distance: expected a whole number 0-4")
        partners.append(
            PartnerSpec(
                partner_name,
                _enum(p.get("kind"), Kind, f"{pw}.kind", [k.value for k in Kind]),
                _enum(p.get("category"), Category, f"{pw}.category",
                      [c.value for c in Category]),
                _enum(distance, Distance, f"{pw}.distance", ["0", "1", "2", "3", "4"]),
            )
        )  # fmt: skip
    return partners


def _answers(raw: Any, where: str, allowed: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected an object with question ids as keys")
    answers: dict[str, str] = {}
    for key, value in raw.items():
        if key not in allowed:
            raise ScenarioError(f"{where}: {key!r} is not one of {', '.join(allowed)}")
        text = _text(value, f"{where}.{key}")
        assert text is not None
        answers[key] = text
    return answers


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScenarioError(f"{path}: file not found") from exc
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    return parse_scenario(data)


# -- playing ----------------------------------------------------------------------------------


def _last_document(person: Person, suffix: str) -> bytes:
    found = next(
        (m.document for m in reversed(person.messages())
         if m.document and m.document_name and m.document_name.endswith(suffix)),
        None,
    )  # fmt: skip
    if found is None:
        raise RuntimeError(f"the principal did not receive *{suffix}")
    return found


class SimulatedClock:
    """Real time until the simulation moves it forward; then it only moves when told."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """The simulated now."""
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        """Jump forward."""
        self.offset += delta


class Simulation:
    """The bot, the fake Telegram and the scenario's people."""

    def __init__(self, scenario: Scenario, workdir: Path) -> None:
        self.scenario = scenario
        self.workdir = workdir
        self.texts = Texts.load()
        self.clock = SimulatedClock()
        self.fake = FakeTelegram(clock=self.clock.now)
        self.people = {m.name: self.fake.person(m.name) for m in scenario.members}
        for colleague in scenario.member_check:
            if colleague.name not in self.people:
                self.people[colleague.name] = self.fake.person(colleague.name)
        principal = self.people[scenario.principal.name]
        others = [p.user for p in self.people.values() if p is not principal]
        self.group: FakeChat = self.fake.add_group(
            f"Team {scenario.school}", creator=principal.user, admins=[], members=others
        )
        self.principal = principal
        self.store: Store
        self.report_pdf = b""
        self.report_md = b""
        self.membercheck_md = b""
        # (phase, how many bot messages the group had when it began), in order.
        self.phases: list[tuple[str, int]] = []

    def phase(self, name: str) -> None:
        """From now on the group's new bot messages count for this phase."""
        self.phases.append((name, len(self.group.bot_messages)))

    def label(self, key: str, **fields: object) -> str:
        """A button label in the scenario's language (until the team switches, Dutch)."""
        return self.texts.plain(key, self.scenario.language, **fields)

    async def run(self) -> tuple[bytes, bytes]:
        """Play the whole scenario; returns (map PNG, export JSON)."""
        store = await Store.open(self.workdir / "simulation.db", clock=self.clock.now)
        self.store = store
        settings = Settings(token=SIMULATION_TOKEN, db_path=self.workdir / "simulation.db")
        limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)
        app = build_application(
            settings, store, self.texts, request=self.fake, rate_limiter=limiter,
            clock=self.clock.now,
        )  # fmt: skip
        self.app = app
        self.fake.attach(app)
        await app.initialize()
        await set_command_menus(app)
        await start_up(app)
        try:
            return await self._play()
        finally:
            await app.shutdown()
            await store.close()

    async def _play(self) -> tuple[bytes, bytes]:
        scenario, group, principal = self.scenario, self.group, self.principal
        self.phase("setup")
        await principal.send("/start", chat=group)
        await principal.send(scenario.school, chat=group, reply_to=group.last())
        if scenario.language != "nl":
            await principal.send(f"/taal {scenario.language}", chat=group)
        self.phase("brainstorm")
        await principal.send("/ronde", chat=group)
        join = self.label("btn.join")
        announcement = next(m for m in reversed(group.bot_messages) if join in m.button_labels)
        for spec in scenario.members:
            await self._brainstorm(self.people[spec.name], spec, announcement)
        await principal.send("/sluit", chat=group)
        await self._await_map()
        if any(spec.look_partners or spec.look_votes for spec in scenario.members):
            # The second look at the map: the principal closes it, the map updates once.
            self.phase("look")
            for spec in scenario.members:
                if spec.look_partners or spec.look_votes:
                    await self._look(self.people[spec.name], spec)
            await principal.send("/sluit", chat=group)
        self.phase("priorities")
        await principal.send("/prioriteit", chat=group)
        for spec in scenario.members:
            if spec.priority:
                await self._pick(self.people[spec.name], spec)
        await principal.send("/sluit", chat=group)
        if scenario.deep_partners:
            self.phase("deep")
            for partner in scenario.deep_partners:
                await principal.send(f"/verdiep {partner}", chat=group)
            await principal.tap(self.label("btn.deep_start"), chat=group)
            for spec in scenario.members:
                await self._cards(self.people[spec.name], spec)
            await principal.send("/sluit", chat=group)
        if any(spec.closing for spec in scenario.members):
            self.phase("closing")
            await principal.send("/afsluiter", chat=group)
            for spec in scenario.members:
                await self._closing(self.people[spec.name], spec)
            await principal.send("/sluit", chat=group)
        self.phase("finish")
        await principal.send("/start")
        await principal.send("/export", chat=group)
        export = next(
            (m.document for m in reversed(principal.messages())
             if m.document_name and m.document_name.endswith(".json")),
            None,
        )  # fmt: skip
        if export is None:
            raise RuntimeError("the principal did not receive the export")
        await principal.send("/afronden", chat=group)
        photo = next((m.photo for m in reversed(group.bot_messages) if m.photo), None)
        if photo is None:
            raise RuntimeError("the group did not receive the map")
        self.report_pdf = _last_document(principal, "-verslag.pdf")
        self.report_md = _last_document(principal, "-verslag.md")
        self.phase("member_check")
        if scenario.member_check:
            await self._member_check()
        self.phase("end")
        return photo, export

    async def _await_map(self) -> None:
        """Simulated hours pass (six at a time) until the group has the brainstorm's map."""
        scheduler = self.app.bot_data["scheduler"]
        for _ in range(40):
            if any(m.photo for m in self.group.bot_messages):
                return
            self.clock.advance(timedelta(hours=6))
            await scheduler.run_due(self.clock.now())
        raise RuntimeError("the group did not receive the map after the brainstorm")

    def effort(self) -> dict[str, Any]:
        """What the run cost its people (see the module docstring)."""
        per_step: dict[str, int] = {}
        for (name, start), (_, end) in zip(self.phases, self.phases[1:], strict=False):
            per_step[name] = per_step.get(name, 0) + end - start
        round_steps = ("brainstorm", "look", "priorities", "deep", "closing", "finish")
        messages: list[int] = []
        words: list[int] = []
        before_answer: list[int] = []
        for spec in self.scenario.members:
            chat = self.people[spec.name].chat
            bot_messages = chat.bot_messages
            messages.append(len(bot_messages))
            words.append(sum(len(m.plain_text.split()) for m in bot_messages))
            read = 0
            for message in chat.messages:
                if message.from_bot:
                    read += 1
                elif message.text and not message.text.startswith("/"):
                    break
            before_answer.append(read)

        def spread(values: list[int]) -> dict[str, float]:
            return {"median": statistics.median(values), "max": max(values)} if values else {}

        return {
            "group_posts_per_step": per_step,
            "group_posts_per_round": sum(per_step.get(step, 0) for step in round_steps),
            "member_messages": spread(messages),
            "member_words": spread(words),
            "messages_before_first_typed_answer": spread(before_answer),
        }

    async def _member_check(self) -> None:
        """Send the survey, let the colleagues answer, then run simulated days to the deadline."""
        group, principal = self.group, self.principal
        await principal.send("/membercheck 7d", chat=group)
        link = group.last()
        focus_group = {m.name for m in self.scenario.members}
        if any(c.name in focus_group for c in self.scenario.member_check):
            # The scenario has focus-group members answer too: the principal allows that.
            await principal.tap(self.label("btn.share_include"))
        for colleague in self.scenario.member_check:
            person = self.people[colleague.name]
            await person.tap(self.label("btn.survey_join"), message=link, chat=group)
            await person.tap(self.label("btn.survey_start"))
            await person.tap(self.label(f"role.{colleague.role.value}"))
            if colleague.function:
                await person.send(colleague.function)
            else:
                await person.tap(self.label("btn.skip"))
            for number in range(1, 5):
                answer = colleague.answers[number - 1] if number <= len(colleague.answers) else ""
                if answer:
                    await person.send(answer)
                await person.tap(self.label("btn.next_question"))
                if number == 3:
                    for partner in colleague.missing_partners:
                        await person.send(partner)
                    await person.tap(self.label("btn.done"))
        scheduler = self.app.bot_data["scheduler"]
        for _ in range(80):  # simulated time, six hours at a step, until the report is sent
            self.clock.advance(timedelta(hours=6))
            await scheduler.run_due(self.clock.now())
            found = [m for m in principal.messages() if m.document_name == "membercheck.md"]
            if found and found[-1].document is not None:
                self.membercheck_md = found[-1].document
                return
        raise RuntimeError("the member check did not close in simulated time")

    async def _cards(self, person: Person, spec: MemberSpec) -> None:
        """Answer the scenario's cards: choose the partner, open the card, type, go back."""
        for partner, card_id, answer in spec.cards:
            screen = person.last()
            key = await self._key_of(partner)
            if _partner_button(screen, "dpart", key) is not None:
                await _tap_partner(person, screen, "dpart", key)
            elif self.label("btn.other_partner") in screen.button_labels:
                await person.tap(self.label("btn.other_partner"))
                await _tap_partner(person, person.last(), "dpart", key)
            phase = card_id[1]
            title = f"{phase} · {self.label(f'card.{card_id}')}"
            options = person.last().button_labels
            await person.tap(title if title in options else f"✓ {title}")
            await person.send(answer)
            await person.tap(self.label("btn.to_cards"))

    async def _closing(self, person: Person, spec: MemberSpec) -> None:
        """Answer or skip the seven closing questions in order."""
        for n in range(1, 8):
            answer = spec.closing.get(f"CLOSE.Q{n}")
            if answer:
                await person.send(answer)
                await person.tap(self.label("btn.next_question"))
            else:
                await person.tap(self.label("btn.skip"))

    async def _key_of(self, name: str) -> str:
        """The name key of the map's partner that `name` is (any spelling of it)."""
        async with self.store.tx() as tx:
            team_map = await mapview.load(tx, await tx.newest_round())
        index = team_map.index_of(name_key(name))
        if index is None:
            raise ScenarioError(f"partner {name!r} is not on the map")
        return team_map.nodes[index].key

    async def _brainstorm(
        self, person: Person, spec: MemberSpec, announcement: FakeMessage
    ) -> None:
        await person.tap(self.label("btn.join"), message=announcement, chat=self.group)
        await person.tap(self.label(f"role.{spec.role.value}"))
        if spec.function:
            await person.send(spec.function)
        else:
            await person.tap(self.label("btn.skip"))
        for question in ("INTRO.Q1", "INTRO.Q2"):
            answer = spec.concept_answers.get(question)
            if answer:
                await person.send(answer)
                await person.tap(self.label("btn.next_question"))
            else:
                await person.tap(self.label("btn.skip"))
        await person.tap(self.label("btn.to_brainstorm"))
        for partner in spec.partners:
            await self._partner(person, partner)
        for a, b in spec.links:
            await person.send(f"/verband {a} — {b}")
        await person.tap(self.label("btn.done"))

    async def _partner(self, person: Person, partner: PartnerSpec) -> None:
        """Type one partner and answer its questions as the scenario says."""
        await person.send(partner.name)
        if not (
            person.last().button_labels and self.label("btn.later") in person.last().button_labels
        ):
            return
        if self.label("btn.something_else") in person.last().button_labels:
            # A well-known partner: its usual kind and category confirmed with the distance in
            # one tap, or "something else" and the three questions.
            usual = usual_kind_and_category(partner.name)
            if partner.kind is None or usual == (partner.kind, partner.category):
                await self._answer(person, "distance", partner.distance)
                return
            await person.tap(self.label("btn.something_else"))
        # "Later" leaves the rest of the partner's questions open.
        for field_name, value in (
            ("kind", partner.kind),
            ("category", partner.category),
            ("distance", partner.distance),
        ):
            await self._answer(person, field_name, value)
            if value is None:
                break

    async def _look(self, person: Person, spec: MemberSpec) -> None:
        """The second look: the partners the member misses, blind answers, then done."""
        for partner in spec.look_partners:
            await self._partner(person, partner)
        votes = {name_key(name): vote for name, vote in spec.look_votes.items()}
        async with self.store.tx() as tx:
            round_ = await tx.newest_round()
            look = await tx.look_of(round_.id)
            placements = await tx.placements(look.id) if look is not None else []
        if votes and placements:
            await person.tap(self.label("look.btn.place", count=len(placements)))
            for placement in placements:
                vote = next((v for k, v in votes.items() if k == name_key(placement.label)), None)
                if vote in placement.choices:
                    label = (
                        self.label(f"category.{vote}")
                        if vote in {c.value for c in Category}
                        else self.label(f"look.move_{vote}")
                    )
                    await person.tap(label)
                else:
                    await person.tap(self.label("btn.skip"))
        await person.tap(self.label("look.btn.done"))

    async def _answer(self, person: Person, field_name: str, value: Any) -> None:
        if value is None:
            await person.tap(self.label("btn.later"))
        else:
            raw = str(int(value)) if isinstance(value, Distance) else value.value
            await person.tap(self.label(f"{field_name}.{raw}"))

    async def _pick(self, person: Person, spec: MemberSpec) -> None:
        """Find the partner's button on the pick screens (paging on) and tap it: by the partner
        its button stands for, never by the visible label (a long name is cut on a button)."""
        assert spec.priority is not None
        async with self.store.tx() as tx:
            team_map = await mapview.load(tx, await tx.newest_round())
        index = team_map.index_of(name_key(spec.priority))
        if index is None:
            raise ScenarioError(f"{spec.name}: priority {spec.priority!r} is not on the map")
        key = team_map.nodes[index].key
        more = self.label("btn.more")
        for _ in range(100):
            # The principal's private chat also holds their own questions (a term offer).
            screen = next(
                (m for m in reversed(person.messages())
                 if m.from_bot and m.buttons and (_partner_button(m, "pick", key) is not None
                                                   or more in m.button_labels)),
                person.last(),
            )  # fmt: skip
            if _partner_button(screen, "pick", key) is not None:
                await _tap_partner(person, screen, "pick", key)
                if spec.priority_reason:
                    await person.send(spec.priority_reason)
                else:
                    await person.tap(self.label("btn.skip"))
                return
            if more not in screen.button_labels:
                break
            await person.tap(more, message=screen)
        raise ScenarioError(f"{spec.name}: priority {spec.priority!r} not found on the pick screen")


def _partner_button(message: FakeMessage, action: str, key: str) -> FakeButton | None:
    """The button on a dialog screen that stands for the partner with this name key."""
    suffix = f":{action}:{key_hash(key)}"
    return next(
        (b for row in message.buttons for b in row
         if b.callback_data is not None and b.callback_data.endswith(suffix)),
        None,
    )  # fmt: skip


async def _tap_partner(person: Person, message: FakeMessage, action: str, key: str) -> None:
    """Tap the partner's button as a phone does: what it carries, on the message it is on."""
    button = _partner_button(message, action, key)
    if button is None or button.callback_data is None:
        raise ScenarioError(f"no button for partner {key!r} on the screen")
    await person.tap_data(button.callback_data, message=message)


def transcript(fake: FakeTelegram, names: dict[int, str], group: FakeChat) -> str:
    """Every message per chat, oldest first, with the buttons under each bot message."""
    lines: list[str] = []
    chats = [group, *(c for c in fake.chats.values() if c.type == "private")]
    for chat in chats:
        title = chat.title if chat.type != "private" else f"privé: {names.get(chat.id, chat.id)}"
        lines.append(f"=== {title} ===")
        for message in chat.messages:
            who = "bot" if message.from_bot else message.from_user.first_name
            body = message.plain_text
            if message.photo is not None:
                body = f"[foto, {len(message.photo)} bytes] {body}"
            if message.document is not None:
                body = f"[bestand {message.document_name}, {len(message.document)} bytes] {body}"
            if message.sticker:
                body = "[sticker]"
            lines.append(f"{who}: {body}")
            labels = [b.label for row in (message.buttons or []) for b in row]
            original = [
                b["text"]
                for row in (message.original_reply_markup or {}).get("inline_keyboard", [])
                for b in row
            ]
            if labels or original:
                lines.append(f"    [knoppen: {' | '.join(labels or original)}]")
        lines.append("")
    return "\n".join(lines)


async def simulate(scenario_path: Path, out: Path) -> Path:
    """Run a scenario and write map.png, export.json and transcript.txt into `out`."""
    # A one-shot command line run: nothing else shares this event loop, so plain file I/O is fine.
    scenario = load_scenario(scenario_path)
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    with tempfile.TemporaryDirectory(prefix="netwerkkaart-sim-") as tmp:
        simulation = Simulation(scenario, Path(tmp))
        photo, export = await simulation.run()
    (out / "map.png").write_bytes(photo)
    (out / "export.json").write_bytes(export)
    (out / "report.pdf").write_bytes(simulation.report_pdf)
    (out / "report.md").write_bytes(simulation.report_md)
    if simulation.membercheck_md:
        (out / "membercheck.md").write_bytes(simulation.membercheck_md)
    names = {person.user.id: name for name, person in simulation.people.items()}
    (out / "effort.json").write_text(
        json.dumps(simulation.effort(), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (out / "transcript.txt").write_text(
        transcript(simulation.fake, names, simulation.group), encoding="utf-8"
    )
    return out
