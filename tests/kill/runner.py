"""Play the round against a real `python -m bot` process, with or without kills, and judge it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.testing.fakegram import FakeTelegram
from bot.testing.http import SHOWING, Call, KillPoint, RemoteBot
from prompts import Texts

from .scenario import (
    PRINCIPAL_PHASES,
    Action,
    Cast,
    compare,
    last_export,
    normalised_export,
    round_actions,
    transcript,
)

TOKEN = "123456:KILL-test-token-for-the-http-fake"


@dataclass
class Played:
    """What one run of the round left behind."""

    actions: list[Action]
    calls: list[Call]
    # Before each principal phase (by its first action's index) and at the end ("end").
    transcripts: dict[int | str, dict[str, list[str]]]
    export: object
    announcement: str
    # Per action: how many calls showed something in the actor's own chat.
    shown_to_actor: list[int]
    fired: list[KillPoint] = field(default_factory=list)
    starts: int = 1

    def calls_per_phase(self) -> dict[str, int]:
        """The numbered calls of each principal phase (the kill points per mode)."""
        counts = Counter(c.phase for c in self.calls if c.number is not None)
        return {phase: counts[phase] for phase in PRINCIPAL_PHASES}

    def methods_per_phase(self) -> dict[str, list[str]]:
        """Which methods each principal phase calls, in order."""
        found: dict[str, list[str]] = {phase: [] for phase in PRINCIPAL_PHASES}
        for call in self.calls:
            if call.number is not None and call.phase in found:
                found[call.phase].append(call.method)
        return found


class KillFailure(AssertionError):
    """An invariant broke after the kills in `fired`; `where` says at which point of the round."""

    def __init__(self, fired: list[KillPoint], where: str, problems: list[str], log: Path):
        self.fired = list(fired)
        self.where = where
        self.problems = problems
        kills = ", ".join(map(str, fired)) or "no kill"
        super().__init__(
            f"after {kills}, {where}:\n  " + "\n  ".join(problems[:12]) + f"\n  (bot log: {log})"
        )


def _first_actions(actions: list[Action]) -> set[int]:
    seen: set[str] = set()
    firsts = set()
    for action in actions:
        if action.phase in PRINCIPAL_PHASES and action.phase not in seen:
            seen.add(action.phase)
            firsts.add(action.index)
    return firsts


async def play(
    workdir: Path, *, plan: list[KillPoint] | None = None, reference: Played | None = None
) -> Played:
    """Play the round once; with a reference, check it at every phase and at the end.

    A person whose action was cut off by a kill and who did not see what the reference run
    showed them for it repeats the action once, as a real person would.
    """
    # Blocking, but nothing else on this test loop is waiting yet.
    workdir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    fake = FakeTelegram()
    cast = Cast(fake, Texts.load())
    actions = round_actions(cast)
    firsts = _first_actions(actions)
    remote = RemoteBot(fake, workdir / "netwerkkaart.db", workdir / "bot.log", token=TOKEN)
    remote.server.kill_plan = {point.phase: point for point in plan or []}
    ignore = {remote.probe.chat.id}
    transcripts: dict[int | str, dict[str, list[str]]] = {}
    shown_to_actor: list[int] = []
    server = remote.server

    def check(key: int | str, where: str) -> None:
        if reference is None:
            return
        problems = compare(reference.transcripts[key], transcripts[key], remote.kills)
        if server.errors:
            problems += [f"HTTP fake: {e}" for e in server.errors]
        if problems:
            raise KillFailure(server.fired, where, problems, remote.log_path)

    async with remote:
        for action in actions:
            if action.index in firsts:
                transcripts[action.index] = transcript(cast, ignore, server.in_flight)
                check(action.index, f"before {action.phase} ({action.what})")
            server.phase, server.action = action.phase, action.index
            kills, first_call = remote.kills, len(server.calls)
            try:
                await action.do()
                if reference is not None and remote.kills > kills:
                    seen = _shown(server.calls[first_call:], action)
                    if seen < reference.shown_to_actor[action.index]:
                        await action.do()  # nothing (or not all) came: do it again
            except (AssertionError, TimeoutError) as exc:
                if isinstance(exc, KillFailure):
                    raise
                raise KillFailure(
                    server.fired, f"stuck at action {action.index} ({action.what})",
                    [str(exc)], remote.log_path,
                ) from exc  # fmt: skip
            shown_to_actor.append(_shown(server.calls[first_call:], action))
        transcripts["end"] = transcript(cast, ignore, server.in_flight)
        played = Played(
            actions=actions,
            calls=list(server.calls),
            transcripts=transcripts,
            export=normalised_export(last_export(cast)),
            announcement=cast.newest_with(cast.label("btn.join")).plain_text,
            shown_to_actor=shown_to_actor,
            fired=list(server.fired),
            starts=remote.starts,
        )
    if reference is not None:
        check("end", "at the end")
        problems = []
        if played.announcement != reference.announcement:
            problems.append(
                f"the round announcement ends as {played.announcement!r}, "
                f"not {reference.announcement!r}"
            )
        if played.export != reference.export:
            problems.append("the final /export differs from the uninterrupted run's")
        if remote.server.kill_plan:
            problems.append(
                f"kill points never reached: {sorted(map(str, server.kill_plan.values()))}"
            )
        if problems:
            raise KillFailure(server.fired, "at the end", problems, remote.log_path)
    return played


def _shown(calls: list[Call], action: Action) -> int:
    return sum(
        1
        for c in calls
        if c.applied and c.status == 200 and c.method in SHOWING and c.chat_id == action.chat.id
    )
