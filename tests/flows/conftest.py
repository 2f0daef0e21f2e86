"""A whole team in a box: the real Application, the fake Telegram and a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter, Application

from bot.app import build_application, set_command_menus, start_up
from bot.config import Settings
from bot.dialogs import mapview
from bot.testing.fakegram import FakeChat, FakeMessage, FakeTelegram, Person
from core.merge import usual_kind_and_category
from core.model import Category, Kind
from prompts import Html, Texts
from storage.store import Store

TOKEN = "123456:TEST-token-for-the-fake-telegram"


class Clock:
    """Real time until a test sets it; then simulated time that only moves when told."""

    def __init__(self) -> None:
        self.current: datetime | None = None

    def now(self) -> datetime:
        """The current (real or simulated) time, timezone-aware."""
        return self.current or datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        """Freeze time at this moment."""
        self.current = moment

    def advance(self, delta: timedelta) -> datetime:
        """Move simulated time forward."""
        self.current = self.now() + delta
        return self.current


@dataclass
class Bot:
    """The bot under test; `restart` throws away all process state but keeps the database."""

    fake: FakeTelegram
    db_path: Path
    texts: Texts
    clock: Clock = field(default_factory=Clock)
    app: Application = field(init=False)  # type: ignore[type-arg]
    store: Store = field(init=False)

    async def start(self) -> None:
        """Open the database and start a fresh Application against the fake Telegram."""
        self.store = await Store.open(self.db_path, clock=self.clock.now)
        settings = Settings(token=TOKEN, db_path=self.db_path)
        # Real limiter, no waiting: throttling is Telegram's business, retries are ours.
        limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)
        self.app = build_application(
            settings,
            self.store,
            self.texts,
            request=self.fake,
            rate_limiter=limiter,
            clock=self.clock.now,
        )
        self.fake.attach(self.app)
        await self.app.initialize()
        await set_command_menus(self.app)
        await start_up(self.app)

    async def stop(self) -> None:
        """Shut the Application down and close the database."""
        await self.app.shutdown()
        await self.store.close()

    async def restart(self) -> None:
        """A new process: nothing survives but the database file (nor the merges kept in
        memory)."""
        await self.stop()
        mapview.MERGES.clear()
        await self.start()

    async def tick(self) -> int:
        """One wake-up of the scheduler at the clock's current time."""
        scheduler = self.app.bot_data["scheduler"]
        return int(await scheduler.run_due(self.clock.now()))

    def t(self, key: str, /, **fields: object) -> Html:
        """A Dutch prompt as the bot would send it."""
        return self.texts.t(key, "nl", **fields)

    def label(self, key: str, /, **fields: object) -> str:
        """A Dutch button label."""
        return self.texts.plain(key, "nl", **fields)


@dataclass
class Team:
    """A school's group with its principal, five colleagues and an outsider."""

    bot: Bot
    group: FakeChat
    principal: Person
    members: list[Person]
    outsider: Person

    @property
    def everyone(self) -> list[Person]:
        """The principal and the members."""
        return [self.principal, *self.members]

    def announcement(self) -> FakeMessage:
        """The newest round announcement (the message with the join button)."""
        label = self.bot.label("btn.join")
        for message in reversed(self.group.messages):
            if message.from_bot and label in message.button_labels:
                return message
        raise AssertionError("no round announcement in the group")


@pytest.fixture
def texts() -> Texts:
    """The prompts as the bot loads them."""
    return Texts.load()


@pytest.fixture
async def bot(tmp_path: Path, texts: Texts) -> AsyncIterator[Bot]:
    """A running bot with an empty database file."""
    clock = Clock()
    fake = FakeTelegram(clock=clock.now)
    bot = Bot(fake, tmp_path / "data" / "netwerkkaart.db", texts, clock)
    await bot.start()
    yield bot
    await bot.stop()
    assert fake.unmodelled == [], "the bot called Bot API methods the fake does not model"


@pytest.fixture
def team(bot: Bot) -> Team:
    """Piet (group admin, principal-to-be), Anna, Bert, Carla, Dirk, Els and outsider Olga."""
    fake = bot.fake
    principal = fake.person("Piet")
    members = [fake.person(name) for name in ("Anna", "Bert", "Carla", "Dirk", "Els")]
    outsider = fake.person("Olga")
    group = fake.add_group(
        "Team De Linde",
        creator=principal.user,
        admins=[],
        members=[m.user for m in members],
    )
    return Team(bot, group, principal, members, outsider)


async def register(team: Team, school: str = "Basisschool De Linde") -> None:
    """The principal registers the group and answers the name question."""
    await team.principal.send("/start", chat=team.group)
    question = team.group.last()
    await team.principal.send(school, chat=team.group, reply_to=question)


async def open_round(team: Team) -> FakeMessage:
    """Register the team and open a round; returns the announcement."""
    await register(team)
    await team.principal.send("/ronde", chat=team.group)
    return team.announcement()


async def onboard(team: Team, person: Person, *, answer: str | None = "Samen leren.") -> None:
    """Join through the button and walk the introduction up to the brainstorm."""
    bot = team.bot
    await person.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await person.tap(bot.label("role.leraar"))
    await person.tap(bot.label("btn.skip"))
    if answer:
        await person.send(answer)
    await person.tap(bot.label("btn.next_question") if answer else bot.label("btn.skip"))
    await person.tap(bot.label("btn.skip"))
    await person.tap(bot.label("btn.to_brainstorm"))


async def add_partner(
    team: Team, person: Person, name: str, kind: str, category: str, distance: int
) -> None:
    """Send one partner and answer its three questions with the buttons (a well-known
    partner's usual kind and category are confirmed with the distance, in one tap, when they
    are the wanted ones)."""
    bot = team.bot
    await person.send(name)
    if bot.label("btn.something_else") in person.last().button_labels:
        usual = usual_kind_and_category(name)
        if usual == (Kind(kind), Category(category)):
            await person.tap(bot.label(f"distance.{distance}"))
            return
        await person.tap(bot.label("btn.something_else"))
    await person.tap(bot.label(f"kind.{kind}"))
    await person.tap(bot.label(f"category.{category}"))
    await person.tap(bot.label(f"distance.{distance}"))


def numberless(text: str) -> str:
    """Shared answers with 'Deelnemer N' for every number (the numbers do not follow who
    joined first, so a test cannot know them)."""
    return re.sub(r"Deelnemer \d+", "Deelnemer N", text)
