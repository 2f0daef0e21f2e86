"""The fake Telegram served over HTTP on 127.0.0.1, for a real `python -m bot` in another process.

`FakeBotApiServer` answers `POST /bot<token>/<method>` (form, multipart or JSON bodies, as PTB's
`HTTPXRequest` sends them) from a `FakeTelegram`, with Telegram's JSON answers. getUpdates
long-polls and confirms like Telegram: an update is handed out again until a getUpdates with an
offset above its id confirms it. A kill plan SIGKILLs the bot process at a chosen call, before the
fake applies it or after it applied it but before the answer leaves.

`RemoteBot` runs `python -m bot` against that server on a database file, restarts it after a kill
and plugs into the fake's `deliver`: `await anna.tap("Organisatie")` queues the update and returns
once the bot has handled it. The proof is a barrier: a stranger's private `/help`, queued right
after the update; PTB handles updates one after another, so its answer means every earlier update
was handled. The stranger's chat is `RemoteBot.probe`; leave it out of comparisons.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import json
import os
import re
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import parse_qsl

from .fakegram import FakeMessage, FakeTelegram, Person

KillMode = Literal["before", "after"]
# Calls that show a person something in a chat: what a person waits for after acting.
SHOWING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
    }
)
# Parameters PTB sends JSON-encoded inside form fields.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "scope",
        "commands",
        "allowed_updates",
        "entities",
        "caption_entities",
        "media",
    }
)
_PATH = re.compile(r"^/bot([^/]+)/([A-Za-z]+)$")
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error"}  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


class Changes:
    """Wakes every waiter on each change; unlike Event.clear(), no waiter can miss one."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Something changed: wake everyone waiting."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> None:
        """Until the next change or the timeout; check the condition before calling."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            self._waiters.discard(waiter)


@dataclass(frozen=True)
class KillPoint:
    """Kill the bot at the `number`-th call (from 1) made while `phase` runs."""

    phase: str
    number: int
    mode: KillMode

    def __str__(self) -> str:
        return f"{self.phase}:{self.number}:{self.mode}"

    @classmethod
    def parse(cls, text: str) -> KillPoint:
        """The inverse of str(): `phase:number:mode`."""
        phase, number, mode = text.strip().rsplit(":", 2)
        if mode not in ("before", "after"):
            raise ValueError(f"kill mode must be before or after, not {mode!r}")
        return cls(phase, int(number), mode)  # type: ignore[arg-type]


@dataclass
class Call:
    """One Bot API call the bot made (getUpdates left out)."""

    method: str
    params: dict[str, Any]
    phase: str
    action: int | None
    generation: int
    # The call's number within its phase; None for start-up calls and the barrier's answers.
    number: int | None
    applied: bool = False
    status: int = 0

    @property
    def chat_id(self) -> int | None:
        """The chat the call is about, when it names one."""
        raw = self.params.get("chat_id")
        try:
            return None if raw is None else int(raw)
        except (TypeError, ValueError):
            return None


@dataclass
class FakeBotApiServer:
    """The Bot API over HTTP/1.1 on 127.0.0.1 (a free port), answered by a FakeTelegram."""

    fake: FakeTelegram
    token: str
    calls: list[Call] = field(default_factory=list)
    # Set by whoever drives the scenario: the phase and action the next calls belong to.
    phase: str = "startup"
    action: int | None = None
    kill_plan: dict[str, KillPoint] = field(default_factory=dict)
    # (chat id, message id) of messages sent by a call the bot was killed in (mode "after").
    in_flight: set[tuple[int, int]] = field(default_factory=set)
    fired: list[KillPoint] = field(default_factory=list)
    ignored_chats: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    # Called to kill the bot process (SIGKILL); must not return before the signal is sent.
    kill: Any = None

    def __post_init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.changed = Changes()
        self.generation = 0
        self.polling = False
        # Set while the bot stops: long polls answer at once, so the stop takes no 10 s.
        self.closing = False
        self._handed_out: int | None = None
        self._phase_counts: Counter[str] = Counter()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The value for NETWERKKAART_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        """Forget the bot process: close its connections, end its long polls."""
        self.generation += 1
        self.polling = False
        self._handed_out = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()
        self.changed.notify()

    def enqueue(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        self.updates.append(update)
        self.changed.notify()

    # -- HTTP ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        generation = self.generation
        self._writers.add(writer)
        try:
            while generation == self.generation:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                _verb, target, _version = lines[0].split(" ", 2)
                headers = {
                    name.strip().lower(): value.strip()
                    for name, value in (line.split(":", 1) for line in lines[1:] if ":" in line)
                }
                body = await _read_body(reader, headers)
                answer = await self._route(target, headers, body, generation)
                if answer is None or generation != self.generation:
                    return  # killed: the connection drops without an answer
                status, payload = answer
                writer.write(
                    (
                        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                        "Content-Type: application/json\r\n"
                        f"Content-Length: {len(payload)}\r\n"
                        "Connection: keep-alive\r\n\r\n"
                    ).encode("latin-1")
                    + payload
                )
                await writer.drain()
        except ConnectionError:
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _route(
        self, target: str, headers: dict[str, str], body: bytes, generation: int
    ) -> tuple[int, bytes] | None:
        match = _PATH.match(target.split("?", 1)[0])
        if match is None:
            return _error(404, "Not Found")
        if match.group(1) != self.token:
            return _error(401, "Unauthorized")
        method = match.group(2)
        try:
            params, files = _parse_body(headers.get("content-type", ""), body)
        except ValueError as exc:
            self.errors.append(f"{method}: unreadable body ({exc})")
            return _error(400, f"Bad Request: {exc}")
        if method == "getUpdates":
            return await self._get_updates(params, generation)
        return await self._call(method, params, files, generation)

    # -- getUpdates ------------------------------------------------------------------------

    async def _get_updates(
        self, params: dict[str, Any], generation: int
    ) -> tuple[int, bytes] | None:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        if offset > 0:
            # Telegram: an update is confirmed by a getUpdates with an offset above its id.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self._handed_out is not None and offset > self._handed_out:
                self._handed_out = None
        self.polling = True
        self.changed.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.updates and generation == self.generation and not self.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.changed.wait(remaining)
        if generation != self.generation:
            return None
        batch = self.updates[:limit]
        if batch:
            self._handed_out = batch[-1]["update_id"]
        return 200, json.dumps({"ok": True, "result": batch}).encode()

    async def _await_confirmation(self, generation: int) -> None:
        """Hold a call until the bot confirmed the updates it fetched (bounded).

        PTB's updater polls again (confirming) right after fetching, while the application
        handles the updates. Holding calls until then makes "was the update in flight at the
        kill confirmed?" always yes, so a kill point behaves the same in every run.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while self._handed_out is not None and generation == self.generation:
            remaining = deadline - loop.time()
            if remaining <= 0:
                self.errors.append("the bot did not confirm its updates within 5 s")
                return
            await self.changed.wait(remaining)

    # -- every other method ----------------------------------------------------------------

    async def _call(
        self, method: str, params: dict[str, Any], files: dict[str, Any], generation: int
    ) -> tuple[int, bytes] | None:
        await self._await_confirmation(generation)
        if generation != self.generation:
            return None
        call = Call(method, params, self.phase if self.polling else "startup", self.action,
                    generation, None)  # fmt: skip
        if self.polling and call.chat_id not in self.ignored_chats:
            self._phase_counts[call.phase] += 1
            call.number = self._phase_counts[call.phase]
        self.calls.append(call)
        point = self.kill_plan.get(call.phase)
        if point is not None and point.number != call.number:
            point = None
        if point is not None and point.mode == "before":
            self._fire(point)
            return None
        try:
            call.status, payload = self.fake.answer(method, params, files)
        except Exception as exc:  # a bug in the fake: the test must notice, the bot gets a 500
            self.errors.append(f"{method}: the fake raised {exc!r}")
            call.status, payload = _error(500, f"Internal Server Error: {exc!r}")
        call.applied = True
        self.changed.notify()
        if point is not None:
            # Telegram has this message but the bot never hears so: the one copy that a
            # resend after the restart may legitimately double.
            sent = json.loads(payload).get("result") if call.status == 200 else None
            if isinstance(sent, dict) and "message_id" in sent and method.startswith("send"):
                self.in_flight.add((int(sent["chat"]["id"]), int(sent["message_id"])))
            self._fire(point)
            return None
        return call.status, payload

    def _fire(self, point: KillPoint) -> None:
        del self.kill_plan[point.phase]
        self.fired.append(point)
        if self.kill is None:
            raise RuntimeError("a kill plan needs server.kill")
        self.kill()
        self.drop_connections()


def _error(code: int, description: str) -> tuple[int, bytes]:
    return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])
    length = int(headers.get("content-length") or 0)
    return await reader.readexactly(length) if length else b""


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parameters and uploaded files, with PTB's JSON-encoded fields decoded again."""
    params: dict[str, Any] = {}
    files: dict[str, Any] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        pass
    elif kind == "application/json":
        params = dict(json.loads(body))
    elif kind == "application/x-www-form-urlencoded":
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        if not message.is_multipart():
            raise ValueError("multipart body without parts")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(data, bytes):
                raise ValueError("a multipart part without a name")
            filename = part.get_filename()
            if filename is None:
                params[name] = data.decode(part.get_content_charset() or "utf-8")
            else:
                files[name] = (filename, data, part.get_content_type())
    else:
        raise ValueError(f"unsupported content type {content_type!r}")
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError as exc:
                raise ValueError(f"{key} is not JSON") from exc
    return params, files


def _die_with_parent() -> None:
    """Linux: the bot gets SIGKILL when the test process dies, so no bot outlives a crash."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class BotDied(Exception):
    """The bot process ended without being killed by the plan."""


class RemoteBot:
    """`python -m bot` on a database file, talking to the fake over HTTP; see the module doc."""

    def __init__(
        self,
        fake: FakeTelegram,
        db_path: Path,
        log_path: Path,
        *,
        token: str,
        answer_timeout: float = 60.0,
    ) -> None:
        self.fake = fake
        self.db_path = db_path
        self.log_path = log_path
        self.token = token
        self.answer_timeout = answer_timeout
        self.server = FakeBotApiServer(fake, token)
        self.server.kill = self._kill
        # A stranger to every team; the answer to its private /help is the barrier.
        self.probe: Person = fake.person("Peiler")
        self.probe.chat.started = True
        self.server.ignored_chats.add(self.probe.chat.id)
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0
        self._killed_pid: int | None = None
        self._log: IO[bytes] | None = None
        self._watchers: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> RemoteBot:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Serve the fake, start the bot process and wait until it answers."""
        await self.server.start()
        self.fake.remote = self.deliver
        self._log = self.log_path.open("ab")
        await self._spawn()
        await self.settle()

    async def stop(self) -> None:
        """Stop the bot the polite way (SIGTERM), then the server."""
        self.fake.remote = None
        if self.process is not None and self.process.returncode is None:
            self.server.closing = True
            self.server.changed.notify()
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self.server.close()
        if self._log is not None:
            self._log.close()

    async def _spawn(self) -> None:
        env = {k: v for k, v in os.environ.items()
               if k not in {"TELEGRAM_BOT_TOKEN", "NETWERKKAART_TOKEN"}}  # fmt: skip
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": self.token,
                "NETWERKKAART_API_URL": self.server.url,
                "NETWERKKAART_DB": str(self.db_path),
                "NETWERKKAART_FLOOD_LIMITS": "off",
                "NETWERKKAART_LOG_LEVEL": os.environ.get("KILL_BOT_LOG_LEVEL", "WARNING"),
                "PYTHONPATH": os.pathsep.join(
                    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
                ),
            }
        )
        self.starts += 1
        assert self._log is not None
        self._log.write(f"\n--- start {self.starts} ---\n".encode())
        self._log.flush()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
        process = self.process

        async def watch() -> None:
            await process.wait()
            self.server.changed.notify()

        task = asyncio.get_running_loop().create_task(watch())
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    def _kill(self) -> None:
        assert self.process is not None
        self._killed_pid = self.process.pid
        self.kills += 1
        self.process.send_signal(signal.SIGKILL)

    @property
    def alive(self) -> bool:
        """The bot process runs (and was not killed)."""
        return (
            self.process is not None
            and self.process.returncode is None
            and self._killed_pid != self.process.pid
        )

    async def restart(self) -> None:
        """A new process on the same database file, after the old one is gone."""
        assert self.process is not None
        await self.process.wait()
        if self._killed_pid != self.process.pid:
            raise BotDied(f"the bot exited with {self.process.returncode}; see {self.log_path}")
        self.server.drop_connections()
        self.server.closing = False
        # The harness's own barriers of the dead process are dropped, not handed out again.
        self.server.updates = [u for u in self.server.updates if not self._is_probe(u)]
        await self._spawn()

    def _is_probe(self, update: dict[str, Any]) -> bool:
        chat = (update.get("message") or {}).get("chat") or {}
        return bool(chat.get("id") == self.probe.chat.id)

    async def deliver(self, update: dict[str, Any]) -> None:
        """Queue a person's update; return when the bot has handled it (or died and is back)."""
        self.server.enqueue(update)
        await self.settle()

    async def settle(self) -> None:
        """Wait for the barrier's answer; restart the bot as often as it is killed meanwhile."""
        while True:
            if not self.alive:
                await self.restart()
            if await self._barrier():
                return

    async def _barrier(self) -> bool:
        """Queue the stranger's /help; True once answered, False if the bot died first."""
        chat = self.probe.chat
        answered = len(chat.bot_messages)
        message = FakeMessage(chat.next_id(), chat.id, self.probe.user, self.fake.now(), "/help")
        chat.messages.append(message)
        self.server.enqueue(
            {"update_id": self.fake.next_update_id(), "message": message.to_api(chat)}
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.answer_timeout
        while True:
            if len(chat.bot_messages) > answered:
                return True
            if not self.alive:
                return False
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"the bot did not answer within {self.answer_timeout} s; see {self.log_path}"
                )
            await self.server.changed.wait(remaining)


__all__ = ["SHOWING", "BotDied", "Call", "FakeBotApiServer", "KillPoint", "RemoteBot"]
