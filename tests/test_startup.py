"""Starting the real process: no network is retried with one plain line per attempt, a token
Telegram refuses is one line and exit code 2, and no output ever contains the token."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from bot.testing.fakegram import FakeTelegram
from bot.testing.http import FakeBotApiServer

TOKEN = "654321:the-real-token-that-must-never-be-printed"
SECRET = TOKEN.split(":", 1)[1]
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _bot_process(api_url: str, tmp_path: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NETWERKKAART_API_URL": api_url,
        "NETWERKKAART_DB": str(tmp_path / "netwerkkaart.db"),
        "NETWERKKAART_FLOOD_LIMITS": "off",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def test_no_network_is_retried_with_one_line_per_attempt(tmp_path: Path) -> None:
    process = await _bot_process(f"http://127.0.0.1:{_free_port()}", tmp_path)
    await asyncio.sleep(8)  # attempts after 0, 2 and 6 seconds
    process.kill()
    output = (await process.communicate())[0].decode()
    attempts = [line for line in output.splitlines() if "no connection to Telegram" in line]
    assert len(attempts) >= 2, output
    assert "trying again in 2 s" in attempts[0] and "trying again in 4 s" in attempts[1]
    assert "Traceback" not in output
    assert SECRET not in output


async def test_a_refused_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    server = FakeBotApiServer(FakeTelegram(), "111:another-token-the-server-expects")
    await server.start()
    try:
        process = await _bot_process(server.url, tmp_path)
        output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
    finally:
        await server.close()
    assert process.returncode == 2
    assert "Telegram refused the token" in output
    assert "Traceback" not in output
    assert SECRET not in output
