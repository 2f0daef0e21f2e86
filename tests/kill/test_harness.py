"""The HTTP fake and the process harness the kill test stands on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import Forbidden, RetryAfter

from bot.testing.fakegram import FakeTelegram
from bot.testing.http import FakeBotApiServer, RemoteBot
from prompts import Texts

from .runner import TOKEN, Played
from .scenario import Cast, compare, last_export, normalised_export, round_actions, transcript


async def _with_server(fake: FakeTelegram) -> tuple[FakeBotApiServer, Bot]:
    server = FakeBotApiServer(fake, TOKEN)
    await server.start()
    bot = Bot(TOKEN, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot")
    await bot.initialize()
    return server, bot


async def test_the_http_fake_speaks_the_bot_api_to_ptb() -> None:
    """PTB's own HTTP client sends text, photos and documents and gets Telegram's errors."""
    fake = FakeTelegram()
    anna = fake.person("Anna")
    anna.chat.started = True
    olga = fake.person("Olga")
    server, bot = await _with_server(fake)
    try:
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 + b"\x00\x00\x00\x10\x00\x00\x00\x08" + b"x" * 40
        await bot.send_message(anna.user.id, "<b>Dag</b> Anna", parse_mode="HTML")
        await bot.send_photo(anna.user.id, png, caption="De kaart")
        await bot.send_document(anna.user.id, b'{"a": 1}', filename="export.json")
        assert [m.plain_text for m in anna.inbox] == ["Dag Anna", "De kaart", ""]
        assert anna.inbox[1].photo == png and anna.inbox[1].photo_size == (16, 8)
        assert anna.inbox[2].document == b'{"a": 1}'
        assert anna.inbox[2].document_name == "export.json"
        with pytest.raises(Forbidden):
            await bot.send_message(olga.user.id, "Dag Olga")
        fake.inject_error("sendMessage", retry_after=7)
        with pytest.raises(RetryAfter) as excinfo:
            await bot.send_message(anna.user.id, "Nog eens")
        assert excinfo.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
        assert server.errors == []
    finally:
        await bot.shutdown()
        await server.close()


async def test_an_update_is_handed_out_until_an_offset_confirms_it() -> None:
    """getUpdates long-polls, and repeats an update until a later offset confirms it."""
    fake = FakeTelegram()
    server, bot = await _with_server(fake)
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=20))
        for _ in range(500):  # until the long poll is waiting (bounded)
            if server.polling:
                break
            await asyncio.sleep(0.01)
        server.enqueue({"update_id": 41, "message": None})
        first = await asyncio.wait_for(poll, 10)
        assert [u.update_id for u in first] == [41]
        again = await bot.get_updates(offset=41, timeout=0)
        assert [u.update_id for u in again] == [41]
        assert await bot.get_updates(offset=42, timeout=0) == ()
        assert server.updates == []
    finally:
        await bot.shutdown()
        await server.close()


async def test_a_killed_bot_starts_again_on_the_same_database(tmp_path: Path) -> None:
    """After SIGKILL and a restart the registered team and its round are still there."""
    fake = FakeTelegram()
    cast = Cast(fake, Texts.load())
    actions = round_actions(cast)
    async with RemoteBot(fake, tmp_path / "n.db", tmp_path / "bot.log", token=TOKEN) as remote:
        for action in actions[:3]:  # /start, the school's name, /ronde
            await action.do()
        remote._kill()
        await remote.settle()
        assert remote.starts == 2 and remote.kills == 1
        await cast.principal.send("/status", chat=cast.group)
        assert "Basisschool De Linde" in "\n".join(m.plain_text for m in cast.group.bot_messages)
        assert cast.newest_with(cast.label("btn.join"))
    assert fake.unmodelled == []


async def test_the_round_over_http_equals_the_round_in_process(
    reference: Played, tmp_path: Path
) -> None:
    """The real process over HTTP shows everyone the same as the Application in this process."""
    from tests.flows.conftest import Bot as InProcessBot

    fake = FakeTelegram()
    cast = Cast(fake, Texts.load())
    bot = InProcessBot(fake, tmp_path / "n.db", Texts.load())
    await bot.start()
    try:
        for action in round_actions(cast):
            await action.do()
    finally:
        await bot.stop()
    here = transcript(cast)
    assert compare(reference.transcripts["end"], here, 0) == []
    assert compare(here, reference.transcripts["end"], 0) == []
    assert normalised_export(last_export(cast)) == reference.export
    assert reference.starts == 1 and reference.fired == []
    assert fake.unmodelled == []
