"""Benchmark: a member-check reminder to many colleagues, through the real bot and fake Telegram.

Run: .venv/bin/python bench/broadcast_bench.py [--recipients 5000]

A team finishes a round in the fake Telegram; a member check is opened and N colleagues start it
without finishing. The bot then restarts with the production rate limiter, and the scheduler's
reminder (the real `Scheduler.run_due` -> `SurveyHandlers.planned`) writes to all of them, with one
429 RetryAfter injected in the middle. Printed: the achieved send rate as a ratio to Telegram's
limit of 30 messages per second (goal: between 0.85 and 1.0, never above), the busiest sliding
second, and that every colleague got the reminder exactly once. Also, as a baseline in the same
process, the same number of plain sends gathered at once through the same limiter.
The default of 600 recipients takes about 45 seconds; 5,000 take about six minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.ext import Application

from bot.app import build_application, default_rate_limiter, start_up
from bot.config import Settings
from bot.testing.fakegram import FakeTelegram
from prompts import Texts
from storage.store import Store
from tests.flows.conftest import TOKEN, Bot, Team, add_partner, onboard, register

TELEGRAM_LIMIT = 30.0
BXL = ZoneInfo("Europe/Brussels")


class TimedTelegram(FakeTelegram):
    """The fake Telegram, noting when each private message arrived (wall clock)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.private_times: list[float] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        result = await super().do_request(url, method, *args, **kwargs)
        data = args[0] if args else kwargs.get("request_data")
        chat_id = int(data.parameters.get("chat_id", 0)) if data is not None else 0
        if url.endswith("/sendMessage") and result[0] == 200 and chat_id > 0:
            self.private_times.append(time.perf_counter())
        return result


def busiest_second(times: list[float]) -> int:
    """The most messages in any sliding one-second window."""
    times = sorted(times)
    return max((bisect.bisect_right(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


async def member_check(recipients: int) -> None:
    """Set up a team and an open member check, then time the reminder to every respondent."""
    texts = Texts.load()
    clock_now = [datetime(2026, 11, 23, 10, 0, tzinfo=BXL)]
    fake = TimedTelegram(clock=lambda: clock_now[0])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        helper = Bot(fake, db, texts)
        helper.clock.set(clock_now[0])
        await helper.start()
        principal = fake.person("Piet")
        anna = fake.person("Anna")
        colleagues = [fake.add_user(f"Collega {i}") for i in range(recipients)]
        group = fake.add_group(
            "Team", creator=principal.user, admins=[], members=[anna.user, *colleagues]
        )
        team = Team(helper, group, principal, [anna], fake.person("Olga"))
        await register(team)
        await principal.send("/start")
        await principal.send("/ronde", chat=group)
        await onboard(team, anna)
        await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
        await principal.send("/sluit", chat=group)
        await principal.send("/afronden", chat=group)
        await principal.send("/membercheck 7d", chat=group)
        async with helper.store.tx() as tx:
            team_row = await tx.team_by_chat(group.id)
            assert team_row is not None
            check = await tx.open_member_check_of(team_row.id)
            assert check is not None
            for user in colleagues:
                fake.private_chat(user).started = True
                await tx.add_respondent(int(check["id"]), user.id)
        await helper.stop()

        # A new process with the production limiter; the halfway reminder is due.
        clock_now[0] += timedelta(days=4)  # Friday 10:00
        store = await Store.open(db, clock=lambda: clock_now[0])
        app = build_application(
            Settings(token=TOKEN, db_path=db),
            store,
            texts,
            request=fake,
            rate_limiter=default_rate_limiter(),
            clock=lambda: clock_now[0],
        )
        fake.attach(app)
        await app.initialize()
        await start_up(app)
        fake.inject_error("sendMessage", status=429, retry_after=1, times=1)
        fake.private_times.clear()
        start = time.perf_counter()
        done = await app.bot_data["scheduler"].run_due(clock_now[0])
        elapsed = time.perf_counter() - start
        await app.shutdown()
        await store.close()

    nudge = texts.plain("survey.nudge", "nl")
    counts = [
        sum(1 for m in fake.private_chat(u).bot_messages if m.plain_text == nudge)
        for u in colleagues
    ]
    rate = recipients / elapsed
    print(f"member check reminder to {recipients} colleagues ({done} planned action)")
    print(f"  elapsed             {elapsed:8.2f} s")
    print(f"  achieved rate       {rate:8.2f} msg/s")
    print(f"  ratio to 30 msg/s   {rate / TELEGRAM_LIMIT:8.3f}   (goal 0.85-1.0)")
    print(f"  busiest second      {busiest_second(fake.private_times):5d} messages (limit 30)")
    print(f"  lost / doubled      {counts.count(0)} / {sum(1 for c in counts if c > 1)}")


async def baseline(recipients: int) -> None:
    """The same number of plain sends, gathered at once through the same limiter."""
    fake = TimedTelegram()
    people = [fake.add_user(f"Collega {i}") for i in range(recipients)]
    for user in people:
        fake.private_chat(user).started = True
    app = (
        Application.builder()
        .token("123:BENCH")
        .request(fake)
        .get_updates_request(fake)
        .rate_limiter(default_rate_limiter())
        .build()
    )
    await app.initialize()
    fake.inject_error("sendMessage", status=429, retry_after=1, times=1)
    start = time.perf_counter()
    await asyncio.gather(*(app.bot.send_message(u.id, "⏰ Herinnering") for u in people))
    elapsed = time.perf_counter() - start
    await app.shutdown()
    counts = [len(fake.private_chat(u).bot_messages) for u in people]
    rate = recipients / elapsed
    print(f"baseline: {recipients} plain sends gathered at once")
    print(f"  ratio to 30 msg/s   {rate / TELEGRAM_LIMIT:8.3f}")
    print(f"  busiest second      {busiest_second(fake.private_times):5d} messages")
    print(f"  lost / doubled      {counts.count(0)} / {sum(1 for c in counts if c > 1)}")


async def main(recipients: int) -> None:
    """The member check through the bot, then the baseline."""
    await member_check(recipients)
    await baseline(recipients)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=600)
    asyncio.run(main(parser.parse_args().recipients))
