"""Benchmark: update handling in a member's private chat, as a ratio to a bare PTB echo bot.

Run: .venv/bin/python bench/update_bench.py [--members 20] [--partners 5] [--rounds 5]

Three sides run in this process on the same fake Telegram (bot/testing/fakegram.py as PTB's
`request`) with the same no-wait AIORateLimiter as the flow tests, and receive the same updates
from the same simulated people:

- echo (the baseline): a bare `Application` with one MessageHandler that echoes the text
  (send_message, with three buttons) and one CallbackQueryHandler that answers the tap;
- mirror (the ceiling): a bare `Application` that makes exactly the Bot API calls the bot makes
  for a partner (recorded from the bot: the same texts and keyboards; a tap is answered and its
  message edited), with no storage and no dialog;
- the bot: `bot.app.build_application` on a real SQLite file in a temporary folder. A team is
  registered and N members walk the introduction (not timed); then every member adds partners
  in their private chat, round-robin: the typed name plus the three taps (kind, category,
  distance), as `add_partner` in tests/flows/conftest.py.

Printed per round: updates per second of each side and the ratios bot/echo (goal >= 0.3),
mirror/echo (what the bot's own Bot API traffic allows at most on this fake: PTB builds and
parses every request and answer, with keyboards of up to ten buttons) and bot/mirror (the share
of that ceiling the bot's own code leaves); the median over the rounds counts, on the wall
clock and per CPU second. Counted by SQLite's own statement trace: transactions and SQL
statements per update (goal: at most two transactions).
Not a test: it prints figures; the numbers depend on the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.testing.fakegram import FakeTelegram, Person
from prompts import Texts
from tests.flows.conftest import TOKEN, Bot, Team, add_partner, onboard, open_round

# One partner = one typed name and three taps.
UPDATES_PER_PARTNER = 4
NAMES = itertools.count(1)
CHOICES = (("organisatie", "zorg", 1), ("individu", "aanbod", 2), ("organisatie", "beleid", 3))


@dataclass
class Figures:
    """What one timed round of one side did."""

    updates: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    transactions: int = 0
    statements: int = 0

    @property
    def rate(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """Updates handled per CPU second (less sensitive to a busy machine)."""
        return self.updates / self.cpu_seconds if self.cpu_seconds else 0.0


@dataclass
class StatementCounter:
    """Counts what SQLite executes (its trace callback), and the transactions among it."""

    statements: int = 0
    transactions: int = 0
    seen: list[str] = field(default_factory=list)
    keep: bool = False

    def __call__(self, sql: str) -> None:
        if sql.startswith("--"):
            return  # a trigger's body, reported as a comment: part of its statement
        self.statements += 1
        if sql.lstrip().upper().startswith("BEGIN"):
            self.transactions += 1
        if self.keep:
            self.seen.append(sql)


def _limiter() -> AIORateLimiter:
    """The flow tests' limiter: real, but throttling is Telegram's business, not the bench's."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)


async def _timed(
    people: list[Person], partners: int, add: Callable[..., Awaitable[None]]
) -> tuple[float, float]:
    """Every person adds `partners` partners, round-robin; returns the seconds it took, on the
    wall clock and in CPU time of this process."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(partners):
        for person in people:
            number = next(NAMES)
            kind, category, distance = CHOICES[number % len(CHOICES)]
            await add(person, f"Partner {number}", kind, category, distance)
    return time.perf_counter() - start, time.process_time() - cpu


class EchoSide:
    """The baseline: a bare Application that echoes texts and answers taps."""

    LABELS = ("Een", "Twee", "Drie")

    async def start(self, members: int) -> None:
        """Build the echo bot against its own fake Telegram."""
        self.fake = FakeTelegram()
        self.people = [self.fake.person(f"Lid {i}") for i in range(members)]
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=label) for label in self.LABELS]]
        )

        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None and update.effective_message is not None
            text = update.effective_message.text or ""
            await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)

        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.callback_query is not None
            await update.callback_query.answer()

        self.app = (
            Application.builder()
            .token(TOKEN)
            .request(self.fake)
            .get_updates_request(self.fake)
            .rate_limiter(_limiter())
            .build()
        )
        self.app.add_handler(MessageHandler(filters.TEXT, echo))
        self.app.add_handler(CallbackQueryHandler(answer))
        self.fake.attach(self.app)
        await self.app.initialize()

    async def add(self, person: Person, name: str, *_choice: object) -> None:
        """The same four updates as a partner: a text and three taps."""
        await person.send(name)
        for label in self.LABELS:
            await person.tap(label)

    async def round(self, partners: int) -> Figures:
        """Every member adds `partners` partners."""
        seconds, cpu = await _timed(self.people, partners, self.add)
        updates = len(self.people) * partners * UPDATES_PER_PARTNER
        return Figures(updates=updates, seconds=seconds, cpu_seconds=cpu)

    async def stop(self) -> None:
        """Shut the Application down."""
        await self.app.shutdown()


Template = list[tuple[str, dict[str, Any]]]


class MirrorSide:
    """The ceiling: a bare Application that makes exactly the bot's Bot API calls for a
    partner (the same texts and keyboards, recorded from the bot), with no storage and no
    dialog. What the bot can reach at most on this fake, whatever its own code costs."""

    def __init__(self, templates: dict[str, Template], texts: Texts) -> None:
        # "text": the reply to a typed name; "kind" / "cat" / "dist": the answer to a tap.
        self.templates = templates
        self.texts = texts

    async def start(self, members: int) -> None:
        """Build the mirror bot against its own fake Telegram."""
        self.fake = FakeTelegram()
        self.people = [self.fake.person(f"Lid {i}") for i in range(members)]
        templates = self.templates

        def markup(params: dict[str, Any]) -> InlineKeyboardMarkup | None:
            raw = params.get("reply_markup")
            if raw is None:
                return None
            data = json.loads(raw) if isinstance(raw, str) else raw
            return InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(**button) for button in row]
                    for row in data["inline_keyboard"]
                ]
            )

        async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None
            for _name, params in templates["text"]:
                await context.bot.send_message(
                    update.effective_chat.id, params["text"], reply_markup=markup(params)
                )

        async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None and query.data is not None and query.message is not None
            action = query.data.split(":")[3]
            for name, params in templates[action]:
                if name == "answerCallbackQuery":
                    await query.answer(params.get("text"))
                else:
                    await context.bot.edit_message_text(
                        params["text"],
                        chat_id=query.message.chat.id,
                        message_id=query.message.message_id,
                        reply_markup=markup(params),
                    )

        self.app = (
            Application.builder()
            .token(TOKEN)
            .request(self.fake)
            .get_updates_request(self.fake)
            .rate_limiter(_limiter())
            .defaults(Defaults(parse_mode=ParseMode.HTML))
            .build()
        )
        self.app.add_handler(MessageHandler(filters.TEXT, text))
        self.app.add_handler(CallbackQueryHandler(tap))
        self.fake.attach(self.app)
        await self.app.initialize()

    async def add(self, person: Person, name: str, kind: str, category: str, distance: int) -> None:
        """The same four updates as the bot's partner, tapping the same labels."""
        plain = self.texts.plain
        await person.send(name)
        await person.tap(plain(f"kind.{kind}", "nl"))
        await person.tap(plain(f"category.{category}", "nl"))
        await person.tap(plain(f"distance.{distance}", "nl"))

    async def round(self, partners: int) -> Figures:
        """Every member adds `partners` partners."""
        seconds, cpu = await _timed(self.people, partners, self.add)
        updates = len(self.people) * partners * UPDATES_PER_PARTNER
        return Figures(updates=updates, seconds=seconds, cpu_seconds=cpu)

    async def stop(self) -> None:
        """Shut the Application down."""
        await self.app.shutdown()


class BotSide:
    """The real bot on a real SQLite file: members adding partners in their private chat."""

    async def start(self, members: int, folder: Path) -> None:
        """A registered team with an open round; every member onboarded up to the brainstorm."""
        self.fake = FakeTelegram()
        self.bot = Bot(self.fake, folder / "bench.db", Texts.load())
        await self.bot.start()
        principal = self.fake.person("Piet")
        self.people = [self.fake.person(f"Lid {i}") for i in range(members)]
        # Adds the partner whose Bot API calls MirrorSide repeats (not one of the timed people).
        self.recorder = self.fake.person("Opnemer")
        everyone = [*self.people, self.recorder]
        group = self.fake.add_group(
            "Team", creator=principal.user, admins=[], members=[p.user for p in everyone]
        )
        self.team = Team(self.bot, group, principal, everyone, self.fake.person("Olga"))
        await open_round(self.team)
        for person in everyone:
            await onboard(self.team, person)

    async def add(self, person: Person, name: str, kind: str, category: str, distance: int) -> None:
        """One partner: the typed name and the three taps."""
        await add_partner(self.team, person, name, kind, category, distance)

    async def round(self, partners: int, *, count: bool = False) -> Figures:
        """Every member adds `partners` partners; with count, also the SQL it took (SQLite's
        trace costs microseconds per statement, so timed rounds go without)."""
        counter = StatementCounter()
        if count:
            self.bot.store.trace(counter)
        try:
            seconds, cpu = await _timed(self.people, partners, self.add)
        finally:
            self.bot.store.trace(None)
        return Figures(
            updates=len(self.people) * partners * UPDATES_PER_PARTNER,
            seconds=seconds,
            cpu_seconds=cpu,
            transactions=counter.transactions,
            statements=counter.statements,
        )

    def check(self, partners: int) -> None:
        """Every member's partners arrived classified (the bench measured real work)."""
        assert self.fake.unmodelled == [], self.fake.unmodelled
        saved = self.bot.label("btn.my_list", count=partners)
        for person in self.people:
            assert saved in person.last().button_labels, (person, person.last().button_labels)

    async def record(self) -> dict[str, Template]:
        """The Bot API calls the bot makes for one partner, per update (for MirrorSide)."""
        person = self.recorder
        calls = self.fake.calls
        templates: dict[str, Template] = {}
        start = len(calls)
        await person.send(f"Partner {next(NAMES)}")
        templates["text"], start = calls[start:], len(calls)
        for action, label in (
            ("kind", "kind.organisatie"),
            ("cat", "category.zorg"),
            ("dist", "distance.1"),
        ):
            await person.tap(self.bot.label(label))
            templates[action], start = calls[start:], len(calls)
        return templates

    async def stop(self) -> None:
        """Shut the bot down and close the database."""
        await self.bot.stop()


@dataclass
class Result:
    """The timed rounds of the three sides, and the bot's counted one."""

    echo: list[Figures]
    mirror: list[Figures]
    bot: list[Figures]
    counted: Figures

    @staticmethod
    def _ratio(top: list[Figures], bottom: list[Figures], *, cpu: bool = False) -> float:
        """The median over the rounds of one side's rate over the other's beside it (the
        machine's load changes less within a few rounds than over the whole run); with cpu,
        per CPU second of this process (what it is on a machine nobody else is using)."""
        pairs = zip(top, bottom, strict=True)
        if cpu:
            return statistics.median(a.cpu_rate / b.cpu_rate for a, b in pairs)
        return statistics.median(a.rate / b.rate for a, b in pairs)

    def ratios(self, *, cpu: bool = False) -> tuple[float, float, float]:
        """bot / echo (the goal), mirror / echo (the ceiling), bot / mirror."""
        return (
            self._ratio(self.bot, self.echo, cpu=cpu),
            self._ratio(self.mirror, self.echo, cpu=cpu),
            self._ratio(self.bot, self.mirror, cpu=cpu),
        )

    def per_update(self, name: str) -> float:
        """Transactions or statements per update in the bot's counted round."""
        return float(getattr(self.counted, name)) / self.counted.updates


async def run(members: int, partners: int, rounds: int) -> Result:
    """Warm the sides up, then alternate timed rounds."""
    echo, bot = EchoSide(), BotSide()
    result = Result([], [], [], Figures())
    with tempfile.TemporaryDirectory() as tmp:
        await echo.start(members)
        await bot.start(members, Path(tmp))
        mirror = MirrorSide(await bot.record(), bot.bot.texts)
        await mirror.start(members)
        try:
            await echo.round(1)
            await mirror.round(1)
            result.counted = await bot.round(1, count=True)
            for _ in range(rounds):
                result.echo.append(await echo.round(partners))
                result.mirror.append(await mirror.round(partners))
                result.bot.append(await bot.round(partners))
            bot.check(1 + rounds * partners)
        finally:
            await mirror.stop()
            await bot.stop()
            await echo.stop()
    return result


def main() -> None:
    """Print updates per second of the three sides, the ratios, and SQL per update."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--partners", type=int, default=5, help="per member and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = asyncio.run(run(args.members, args.partners, args.rounds))
    updates = result.bot[0].updates
    print(f"{args.members} members x {args.partners} partners x 4 updates = {updates} per round")
    print("round   echo upd/s  mirror upd/s  bot upd/s   bot/echo  mirror/echo  bot/mirror")
    for index, (echo, mirror, bot) in enumerate(
        zip(result.echo, result.mirror, result.bot, strict=True)
    ):
        print(
            f"  {index + 1}    {echo.rate:9.0f}    {mirror.rate:9.0f}  {bot.rate:9.0f}"
            f"      {bot.rate / echo.rate:5.3f}        {mirror.rate / echo.rate:5.3f}"
            f"       {bot.rate / mirror.rate:5.3f}"
        )
    wall, cpu = result.ratios(), result.ratios(cpu=True)
    print(
        f"median (wall clock)                           {wall[0]:5.3f}        {wall[1]:5.3f}"
        f"       {wall[2]:5.3f}   (goal: bot/echo >= 0.3)"
    )
    print(
        f"median (per CPU second)                       {cpu[0]:5.3f}        {cpu[1]:5.3f}"
        f"       {cpu[2]:5.3f}"
    )
    print(f"transactions per update   {result.per_update('transactions'):5.2f}   (goal <= 2)")
    print(f"SQL statements per update {result.per_update('statements'):5.2f}")


if __name__ == "__main__":
    main()
