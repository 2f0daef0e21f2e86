"""Benchmark: private messages to many people through PTB's AIORateLimiter and the fake Telegram.

Run: .venv/bin/python bench/broadcast_bench.py [--recipients 5000]
Prints the achieved send rate as a ratio to Telegram's limit of 30 messages per second (goal:
between 0.85 and 1.0, never above) and checks that every recipient got exactly one message.
The default of 600 recipients takes about 20 seconds; 5,000 take about three minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram.ext import Application

from bot.app import default_rate_limiter
from bot.testing.fakegram import FakeTelegram

TELEGRAM_LIMIT = 30.0


async def main(recipients: int) -> None:
    """Send one message to each recipient as the scheduler's reminders do, and measure."""
    fake = FakeTelegram()
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
    # One 429 in the middle: the limiter must wait it out and lose nothing.
    fake.inject_error("sendMessage", status=429, retry_after=1, times=1)
    start = time.perf_counter()
    await asyncio.gather(*(app.bot.send_message(u.id, "⏰ Herinnering") for u in people))
    elapsed = time.perf_counter() - start
    await app.shutdown()
    counts = [len(fake.private_chat(u).bot_messages) for u in people]
    rate = recipients / elapsed
    print(f"recipients          {recipients}")
    print(f"elapsed             {elapsed:8.2f} s")
    print(f"achieved rate       {rate:8.2f} msg/s")
    print(f"ratio to 30 msg/s   {rate / TELEGRAM_LIMIT:8.3f}   (goal 0.85-1.0)")
    print(f"lost / doubled      {counts.count(0)} / {sum(1 for c in counts if c > 1)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=600)
    asyncio.run(main(parser.parse_args().recipients))
